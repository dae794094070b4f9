//! The fixes of issue 13's help-only shapes, exactly: which findings of
//! the fixture corpus get a fix and which keep the help, and the text the
//! fix writes. (tests/fix_verify.rs checks every fix's soundness over the
//! corpus; tests/fix_programs.rs compiles fixed programs.)

use rust_async_skill::analysis::{DiagnoseOptions, diagnose, eval};
use rust_async_skill::fix::{suggest_fix, verify};
use std::path::Path;

struct Shape {
    file: &'static str,
    rule: &'static str,
    /// Findings of the rule that carry a fix, and that do not.
    fixed: usize,
    unfixed: usize,
    /// Lines the fixed code must contain, and text it must no longer contain.
    has: &'static [&'static str],
    lacks: &'static [&'static str],
    /// The safety `suggest_fix` reports for the fixes ("safe" or "may-change-behaviour").
    safety: &'static [&'static str],
}

const SHAPES: &[Shape] = &[
    Shape {
        file: "block-on-in-async/pos_runtime_only_blocks_on.rs",
        rule: "block-on-in-async",
        fixed: 3,
        unfixed: 0,
        has: &[
            "    let user = fetch_user(id).await;",
            "    let orders = fetch_orders(id).await;",
        ],
        lacks: &["Runtime::new()", "rt."],
        // The runtime's fix takes in the `block_on` edits (identical edits apply once).
        safety: &["may-change-behaviour"],
    },
    Shape {
        file: "block-on-in-async/pos_builder_runtime_chained.rs",
        rule: "block-on-in-async",
        fixed: 4,
        unfixed: 0,
        has: &["    let a = load().await;", "    a + load().await"],
        lacks: &["Builder::new_current_thread()", ".enable_all()", "block_on"],
        safety: &["safe", "may-change-behaviour"],
    },
    Shape {
        // The runtime also spawns and hands out its handle: it stays.
        file: "block-on-in-async/pos_runtime_also_spawns.rs",
        rule: "block-on-in-async",
        fixed: 1,
        unfixed: 1,
        has: &["    let rt = Runtime::new().unwrap();", "    tick().await;"],
        lacks: &["rt.block_on"],
        safety: &["safe"],
    },
    Shape {
        file: "blocking-fs/pos_read_whole_file.rs",
        rule: "blocking-fs",
        fixed: 2,
        unfixed: 0,
        has: &[
            "    let template = tokio::fs::read_to_string(dir.join(name)).await?;",
            "    let bytes = tokio::fs::read(path).await.unwrap();",
        ],
        lacks: &["File::open", "String::new()", "Vec::new()"],
        safety: &["safe"],
    },
    Shape {
        file: "blocking-fs/pos_read_file_not_rewritable.rs",
        rule: "blocking-fs",
        fixed: 0,
        unfixed: 2,
        has: &[],
        lacks: &["tokio::fs"],
        safety: &[],
    },
    Shape {
        file: "blocking-stdin/pos_lines_loop_direct.rs",
        rule: "blocking-stdin",
        fixed: 1,
        unfixed: 0,
        has: &[
            "    let mut stdin_lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(tokio::io::stdin()));",
            "    while let Some(line) = stdin_lines.next_line().await.transpose() {",
            "        let line = line?;",
        ],
        lacks: &["io::stdin().lock()"],
        safety: &["may-change-behaviour"],
    },
    Shape {
        file: "blocking-stdin/pos_lines_loop_local.rs",
        rule: "blocking-stdin",
        fixed: 1,
        unfixed: 0,
        has: &["    'read: while let Some(line) = stdin_lines.next_line().await.transpose() {"],
        lacks: &["let input = stdin();", "input.lock()"],
        safety: &["may-change-behaviour"],
    },
    Shape {
        file: "blocking-stdin/pos_read_line_loop_local.rs",
        rule: "blocking-stdin",
        fixed: 1,
        unfixed: 0,
        has: &[
            "    let mut stdin = tokio::io::BufReader::new(tokio::io::stdin());",
            "        if tokio::io::AsyncBufReadExt::read_line(&mut stdin, &mut line).await? == 0 {",
        ],
        lacks: &["= io::stdin()", "stdin.read_line"],
        safety: &["may-change-behaviour"],
    },
    Shape {
        file: "blocking-stdin/pos_lines_enumerate.rs",
        rule: "blocking-stdin",
        fixed: 0,
        unfixed: 1,
        has: &[],
        lacks: &["tokio::io"],
        safety: &[],
    },
    Shape {
        file: "refcell-across-await/pos_borrow_used_after_await.rs",
        rule: "refcell-across-await",
        fixed: 2,
        unfixed: 0,
        has: &[
            "    let list = names.borrow().clone();",
            "        let title = self.title.borrow().clone();",
        ],
        lacks: &[],
        safety: &["may-change-behaviour"],
    },
    Shape {
        file: "refcell-across-await/pos_borrow_used_after_not_clonable.rs",
        rule: "refcell-across-await",
        fixed: 0,
        unfixed: 3,
        has: &[],
        lacks: &[".clone()"],
        safety: &[],
    },
    Shape {
        // A field of a known `!Unpin` type: no automatic fix.
        file: "pin-new-not-unpin/pos_field_sleep_poll.rs",
        rule: "pin-new-not-unpin",
        fixed: 0,
        unfixed: 1,
        has: &[],
        lacks: &[],
        safety: &[],
    },
];

#[test]
fn the_new_shapes_get_exactly_their_fixes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut problems = Vec::new();
    for s in SHAPES {
        let code = std::fs::read_to_string(dir.join(s.file)).unwrap();
        let opts = eval::options(&code);
        let d = diagnose(&code, &opts).unwrap();
        let of_rule: Vec<_> = d.findings.iter().filter(|f| f.rule == s.rule).collect();
        let fixed = of_rule.iter().filter(|f| f.fix.is_some()).count();
        let unfixed = of_rule.len() - fixed;
        if (fixed, unfixed) != (s.fixed, s.unfixed) {
            problems.push(format!(
                "{}: {fixed} fixed / {unfixed} unfixed findings, expected {} / {}",
                s.file, s.fixed, s.unfixed
            ));
        }
        // fix_available says exactly which findings carry a fix.
        for f in &of_rule {
            if f.fix_available != f.fix.is_some() {
                problems.push(format!("{}: fix_available wrong on {}", s.file, f.message));
            }
        }
        let one = DiagnoseOptions {
            rules: Some(vec![s.rule.to_string()]),
            ..opts.clone()
        };
        let out = suggest_fix(&code, &one).unwrap();
        for h in s.has {
            if !out.fixed_code.lines().any(|l| l.trim_end().starts_with(h)) {
                problems.push(format!(
                    "{}: the fixed code has no line `{h}`:\n{}",
                    s.file, out.fixed_code
                ));
            }
        }
        for l in s.lacks {
            if out.fixed_code.contains(l) {
                problems.push(format!(
                    "{}: the fixed code still has `{l}`:\n{}",
                    s.file, out.fixed_code
                ));
            }
        }
        let mut safety: Vec<&str> = out.edits.iter().map(|e| e.safety.as_str()).collect();
        safety.sort();
        safety.dedup();
        let mut want: Vec<&str> = s.safety.to_vec();
        want.sort();
        if safety != want {
            problems.push(format!(
                "{}: fix safety {safety:?}, expected {want:?}",
                s.file
            ));
        }
        if s.fixed > 0
            && let Err(why) = verify::check_fix(&code, &opts, s.rule)
        {
            problems.push(format!("{}: {why}", s.file));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// A fix must not fire when the rewrite would change what the code means.
#[test]
fn rewrites_refuse_shapes_that_are_not_equivalent() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "blocking-fs",
            "the path names the buffer bound before it",
            "use std::fs::File;\nuse std::io::Read;\nasync fn f(text: String) -> String {\n    let mut text = String::new();\n    let mut file = File::open(text.clone()).unwrap();\n    file.read_to_string(&mut text).unwrap();\n    text\n}\n",
        ),
        (
            "blocking-fs",
            "a statement runs between the open and the read",
            "use std::fs::File;\nuse std::io::Read;\nasync fn f(p: &str) -> String {\n    let mut file = File::open(p).unwrap();\n    println!(\"opened\");\n    let mut text = String::new();\n    file.read_to_string(&mut text).unwrap();\n    text\n}\n",
        ),
        (
            "blocking-fs",
            "the buffer is not empty",
            "use std::fs::File;\nuse std::io::Read;\nasync fn f(p: &str) -> String {\n    let mut text = String::from(\"# \");\n    let mut file = File::open(p).unwrap();\n    file.read_to_string(&mut text).unwrap();\n    text\n}\n",
        ),
        (
            "blocking-fs",
            "the byte count is used",
            "use std::fs::File;\nuse std::io::Read;\nasync fn f(p: &str) -> usize {\n    let mut file = File::open(p).unwrap();\n    let mut text = String::new();\n    let n = file.read_to_string(&mut text).unwrap();\n    n\n}\n",
        ),
        (
            "block-on-in-async",
            "the runtime is passed on",
            "use tokio::runtime::Runtime;\nasync fn g() {}\nasync fn f() {\n    let rt = Runtime::new().unwrap();\n    keep(&rt);\n    rt.block_on(g());\n}\nfn keep(_: &Runtime) {}\n",
        ),
        (
            "block-on-in-async",
            "block_on inside a sync closure (no `.await` there)",
            "use tokio::runtime::Runtime;\nasync fn g() {}\nasync fn f() {\n    let rt = Runtime::new().unwrap();\n    let run = || rt.block_on(g());\n    run();\n}\n",
        ),
        (
            "blocking-stdin",
            "the stdin local is read again after the loop",
            "use std::io::{stdin, BufRead};\nasync fn f() {\n    let input = stdin();\n    for line in input.lock().lines() {\n        let _ = line;\n        tokio::task::yield_now().await;\n    }\n    let mut rest = String::new();\n    input.read_line(&mut rest).unwrap();\n}\n",
        ),
        (
            "refcell-across-await",
            "the borrow is passed by value after the await",
            "use std::cell::{Ref, RefCell};\nasync fn f(c: &RefCell<Vec<u8>>) {\n    let data = c.borrow();\n    tick().await;\n    show(data);\n}\nfn show(_: Ref<Vec<u8>>) {}\nasync fn tick() {}\n",
        ),
        (
            "refcell-across-await",
            "the cell's type is not in the snippet",
            "use std::cell::RefCell;\nasync fn f(state: &State) {\n    let data = state.cell.borrow();\n    tick().await;\n    println!(\"{}\", data.len());\n}\n",
        ),
        (
            "refcell-across-await",
            "`deref` means something else on the copy",
            "use std::cell::RefCell;\nuse std::ops::Deref;\nasync fn f(c: &RefCell<Vec<u8>>) {\n    let data = c.borrow();\n    tick().await;\n    let v: &Vec<u8> = data.deref();\n    println!(\"{v:?}\");\n}\nasync fn tick() {}\n",
        ),
    ];
    let mut problems = Vec::new();
    for (rule, why, code) in cases {
        let d = diagnose(code, &DiagnoseOptions::default()).unwrap();
        let of_rule: Vec<_> = d.findings.iter().filter(|f| f.rule == *rule).collect();
        if of_rule.is_empty() {
            problems.push(format!("{rule} ({why}): no finding at all"));
        }
        // The runtime's `block_on` itself may still get its own fix; the
        // runtime finding (and every finding of the other rules) must not.
        let bad: Vec<_> = of_rule
            .iter()
            .filter(|f| f.fix.is_some() && !f.message.contains("`.block_on(..)`"))
            .collect();
        if !bad.is_empty() {
            problems.push(format!(
                "{rule} ({why}): fixed anyway: {:?}",
                bad.iter()
                    .map(|f| &f.fix.as_ref().unwrap().edits)
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
