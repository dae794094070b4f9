//! Adopting the analyser in a real project, through the CLI: suppression
//! comments and twin lints, the Cargo.toml configuration, the baseline.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rust-async-skill"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temp folder with these files.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

const PKG: &str = "[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

/// (rule, line) of the reported findings, and the number suppressed.
fn findings(o: &Output) -> (Vec<(String, u64)>, usize) {
    let v = json(o);
    let file = &v["files"][0];
    let found = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["span"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let suppressed = file["suppressed"].as_array().map_or(0, Vec::len);
    (found, suppressed)
}

fn check_json(dir: &Path, file: &str) -> Output {
    run(
        dir,
        &["check", "--format", "json", "--show-suppressed", file],
    )
}

#[test]
fn each_form_of_suppression() {
    let sleep = "std::thread::sleep(std::time::Duration::from_millis(1));";
    let cases = [
        // The line it ends.
        (
            format!(
                "async fn f() {{\n    {sleep} // rust-async-skill: allow(blocking-sleep) test helper\n    {sleep}\n}}\n"
            ),
            vec![3],
        ),
        // The next statement only.
        (
            format!(
                "async fn f() {{\n    // rust-async-skill: allow(blocking-sleep)\n    {sleep}\n    {sleep}\n}}\n"
            ),
            vec![4],
        ),
        // The whole fn it precedes (attributes in between are part of it).
        (
            format!(
                "// rust-async-skill: allow(blocking-sleep) start-up only\n#[inline]\nasync fn f() {{\n    {sleep}\n    {sleep}\n}}\nasync fn g() {{\n    {sleep}\n}}\n"
            ),
            vec![8],
        ),
        // The file.
        (
            format!(
                "//! rust-async-skill: allow(blocking-sleep)\n\nasync fn f() {{\n    {sleep}\n}}\nmod m {{\n    async fn g() {{\n        {sleep}\n    }}\n}}\n"
            ),
            vec![],
        ),
        // Several ids; only the named rule goes.
        (
            format!(
                "async fn f(m: &std::sync::Mutex<u8>) {{\n    // rust-async-skill: allow(lock-across-await, blocking-fs)\n    let g = m.lock().unwrap();\n    {sleep}\n    x().await;\n}}\n"
            ),
            vec![4],
        ),
        // A suppression inside a string is not one.
        (
            format!(
                "async fn f() {{\n    let s = \"// rust-async-skill: allow(blocking-sleep)\"; {sleep}\n}}\n"
            ),
            vec![2],
        ),
    ];
    for (i, (code, want)) in cases.iter().enumerate() {
        let dir = tree(&[("Cargo.toml", PKG), ("src/lib.rs", code)]);
        let o = check_json(dir.path(), "src/lib.rs");
        let (found, suppressed) = findings(&o);
        let lines: Vec<u64> = found.iter().map(|(_, l)| *l).collect();
        assert_eq!(lines, *want, "case {i}: {found:?}\n{code}");
        // The string case silences nothing; every other case something.
        assert_eq!(suppressed > 0, i != 5, "case {i}: {suppressed} suppressed");
    }
}

#[test]
fn twin_lint_attributes_silence_the_rule() {
    let code = "use std::sync::Mutex;\n\n#[allow(clippy::await_holding_lock)]\nasync fn a(m: &Mutex<u8>) {\n    let g = m.lock().unwrap();\n    x().await;\n}\n\n#[expect(clippy::await_holding_lock, reason = \"single-threaded\")]\nasync fn b(m: &Mutex<u8>) {\n    let g = m.lock().unwrap();\n    x().await;\n}\n\nasync fn c(m: &Mutex<u8>) {\n    let g = m.lock().unwrap();\n    x().await;\n}\n\n#[allow(unused_must_use)]\nasync fn d() {\n    tokio::time::sleep(std::time::Duration::from_secs(1));\n}\n";
    let dir = tree(&[("Cargo.toml", PKG), ("src/lib.rs", code)]);
    let o = check_json(dir.path(), "src/lib.rs");
    let (found, suppressed) = findings(&o);
    assert_eq!(found, [("lock-across-await".to_string(), 16)], "{found:?}");
    assert_eq!(suppressed, 3);
    let v = json(&o);
    let by = v["files"][0]["suppressed"][0]["suppressed_by"]
        .as_str()
        .unwrap();
    assert!(by.contains("clippy::await_holding_lock"), "{by}");
    assert!(
        v["summary"].as_str().unwrap().contains("3 suppressed"),
        "{v}"
    );
}

#[test]
fn unknown_ids_in_a_suppression_are_reported() {
    let code = "async fn f() {\n    // rust-async-skill: allow(blocking-slep)\n    std::thread::sleep(d);\n}\n";
    let dir = tree(&[("src/lib.rs", code)]);
    let o = check_json(dir.path(), "src/lib.rs");
    let (found, _) = findings(&o);
    assert_eq!(
        found,
        [
            ("unknown-suppression".to_string(), 2),
            ("blocking-sleep".to_string(), 3)
        ]
    );
    let v = json(&o);
    assert!(
        v["files"][0]["findings"][0]["help"]
            .as_str()
            .unwrap()
            .contains("`blocking-sleep`")
    );
}

#[test]
fn human_summary_counts_and_show_suppressed_lists() {
    let code = "async fn f() {\n    std::thread::sleep(d); // rust-async-skill: allow(blocking-sleep) warm-up\n}\n";
    let dir = tree(&[("src/lib.rs", code)]);
    let o = run(dir.path(), &["check", "src/lib.rs"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("1 file checked: no findings (1 suppressed)"),
        "{text}"
    );
    assert!(!text.contains("blocking-sleep"), "{text}");
    let o = run(dir.path(), &["check", "--show-suppressed", "src/lib.rs"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("suppressed[blocking-sleep]") && text.contains("warm-up"),
        "{text}"
    );
}

#[test]
fn sarif_leaves_suppressed_findings_out_or_marks_them() {
    let code = "async fn f() {\n    std::thread::sleep(d); // rust-async-skill: allow(blocking-sleep)\n    std::fs::read(p);\n}\n";
    let dir = tree(&[("src/lib.rs", code)]);
    let v = json(&run(
        dir.path(),
        &["check", "--format", "sarif", "src/lib.rs"],
    ));
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "blocking-fs");
    let v = json(&run(
        dir.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--show-suppressed",
            "src/lib.rs",
        ],
    ));
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[1]["ruleId"], "blocking-sleep");
    assert_eq!(results[1]["suppressions"][0]["kind"], "inSource");
}

#[test]
fn configuration_at_package_and_workspace_level() {
    let code = "async fn f() {\n    std::thread::sleep(d);\n    std::fs::read(p);\n}\n";
    let ws = "[workspace]\nmembers = [\"a\", \"b\"]\n\n[workspace.metadata.rust-async-skill]\nexclude = [\"gen/**\"]\n\n[workspace.metadata.rust-async-skill.rules]\nblocking-fs = \"allow\"\nblocking-sleep = \"info\"\n";
    let b_pkg =
        format!("{PKG}\n[package.metadata.rust-async-skill.rules]\nblocking-fs = \"error\"\n");
    let dir = tree(&[
        ("Cargo.toml", ws),
        ("a/Cargo.toml", PKG),
        ("a/src/lib.rs", code),
        ("b/Cargo.toml", &b_pkg),
        ("b/src/lib.rs", code),
        ("gen/x.rs", code),
    ]);
    // a: the workspace's levels.
    let (found, _) = findings(&check_json(dir.path(), "a/src/lib.rs"));
    assert_eq!(found, [("blocking-sleep".to_string(), 2)]);
    let v = json(&check_json(dir.path(), "a/src/lib.rs"));
    assert_eq!(v["files"][0]["findings"][0]["severity"], "info");
    let o = run(dir.path(), &["check", "a/src/lib.rs"]);
    assert_eq!(o.status.code(), Some(0), "infos only: exit 0");
    // b: its own table wins for blocking-fs, the workspace's still sets blocking-sleep.
    let v = json(&check_json(dir.path(), "b/src/lib.rs"));
    let sev: Vec<(&str, &str)> = v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(sev, [("blocking-sleep", "info"), ("blocking-fs", "error")]);
    // Excluded, even when named (pre-commit names files).
    let v = json(&run(dir.path(), &["check", "--format", "json", "."]));
    let paths: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(paths.iter().all(|p| !p.contains("gen")), "{paths:?}");
    let v = json(&run(dir.path(), &["check", "--format", "json", "gen/x.rs"]));
    assert_eq!(v["files"].as_array().unwrap().len(), 0);
}

#[test]
fn runtime_comes_from_the_configuration_unless_given() {
    let code = "async fn f() {\n    std::thread::sleep(d);\n}\n";
    let pkg = format!("{PKG}\n[package.metadata.rust-async-skill]\nruntime = \"async-std\"\n");
    let dir = tree(&[("Cargo.toml", &pkg), ("src/lib.rs", code)]);
    let help = |args: &[&str]| {
        let v = json(&run(dir.path(), args));
        v["files"][0]["findings"][0]["help"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(help(&["check", "--format", "json", "src/lib.rs"]).contains("async_std"));
    assert!(
        help(&[
            "check",
            "--format",
            "json",
            "--runtime",
            "tokio",
            "src/lib.rs"
        ])
        .contains("tokio")
    );
}

#[test]
fn malformed_configuration_names_the_key_and_the_file() {
    let cases = [
        (
            "[package.metadata.rust-async-skill]\nruntime = \"tokyo\"\n",
            "package.metadata.rust-async-skill.runtime",
        ),
        (
            "[package.metadata.rust-async-skill]\nruntime = 3\n",
            "package.metadata.rust-async-skill.runtime",
        ),
        (
            "[package.metadata.rust-async-skill]\nexlude = []\n",
            "package.metadata.rust-async-skill.exlude",
        ),
        (
            "[package.metadata.rust-async-skill]\nexclude = [\"a/[\"]\n",
            "package.metadata.rust-async-skill.exclude[0]",
        ),
        (
            "[package.metadata.rust-async-skill.rules]\nblocking-fs = \"loud\"\n",
            "package.metadata.rust-async-skill.rules.blocking-fs",
        ),
        (
            "[package.metadata.rust-async-skill.rules]\nno-such-rule = \"allow\"\n",
            "package.metadata.rust-async-skill.rules.no-such-rule",
        ),
        (
            "[package.metadata]\nrust-async-skill = \"on\"\n",
            "package.metadata.rust-async-skill",
        ),
        ("[package.metadata.rust-async-skill\n", "not valid TOML"),
    ];
    for (table, key) in cases {
        let dir = tree(&[
            ("Cargo.toml", &format!("{PKG}{table}")),
            ("src/lib.rs", "fn f() {}\n"),
        ]);
        for args in [&["check", "src/lib.rs"][..], &["fix", "src/lib.rs"][..]] {
            let o = run(dir.path(), args);
            assert_eq!(o.status.code(), Some(2), "{table}");
            let e = err(&o);
            assert!(
                e.contains(key) && e.contains("Cargo.toml"),
                "{args:?} {table}: {e}"
            );
        }
    }
}

#[test]
fn fix_leaves_suppressed_and_allowed_findings_alone() {
    let code = "async fn f() {\n    std::thread::sleep(d); // rust-async-skill: allow(blocking-sleep)\n    std::thread::sleep(e);\n}\n";
    let dir = tree(&[("Cargo.toml", PKG), ("src/lib.rs", code)]);
    let o = run(dir.path(), &["fix", "src/lib.rs"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let fixed = String::from_utf8_lossy(&o.stdout);
    assert!(
        fixed.contains("std::thread::sleep(d); // rust-async-skill"),
        "{fixed}"
    );
    assert!(!fixed.contains("std::thread::sleep(e)"), "{fixed}");

    let pkg =
        format!("{PKG}\n[package.metadata.rust-async-skill.rules]\nblocking-sleep = \"allow\"\n");
    let dir = tree(&[("Cargo.toml", &pkg), ("src/lib.rs", code)]);
    let o = run(dir.path(), &["fix", "src/lib.rs"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), code);
}

const BASE_CODE: &str = "use std::sync::Mutex;\n\nasync fn load(path: &str) -> Vec<u8> {\n    std::fs::read(path).unwrap()\n}\n\nasync fn helper() {}\n\nasync fn twice() {\n    std::thread::sleep(d);\n    std::thread::sleep(d);\n}\n";

#[test]
fn baseline_survives_inserted_lines_and_an_unrelated_rename() {
    let dir = tree(&[("Cargo.toml", PKG), ("src/lib.rs", BASE_CODE)]);
    let o = run(
        dir.path(),
        &["check", "--write-baseline", "baseline.json", "src"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let first = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    let b: serde_json::Value = serde_json::from_str(&first).unwrap();
    let entries = b["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{first}");
    assert_eq!(entries[0]["file"], "src/lib.rs");
    assert_eq!(entries[1]["count"], 2, "two identical findings in one fn");
    // Stable: written again, byte for byte the same.
    run(
        dir.path(),
        &["check", "--write-baseline", "baseline.json", "src"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("baseline.json")).unwrap(),
        first
    );

    let o = run(dir.path(), &["check", "--baseline", "baseline.json", "src"]);
    assert_eq!(o.status.code(), Some(0));

    // Lines inserted above, an unrelated fn renamed: nothing new.
    let edited = BASE_CODE
        .replace(
            "use std::sync::Mutex;\n",
            "use std::sync::Mutex;\n\n/// Docs.\nconst X: u8 = 1;\n\n",
        )
        .replace("async fn helper()", "async fn renamed_helper()");
    std::fs::write(dir.path().join("src/lib.rs"), &edited).unwrap();
    let o = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            "src",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let v = json(&o);
    assert!(
        v["summary"].as_str().unwrap().contains("3 in the baseline"),
        "{v}"
    );
    // From another folder, the file names still match (relative to the baseline).
    let o = run(
        &dir.path().join("src"),
        &["check", "--baseline", "../baseline.json", "."],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    // A third identical finding in the same fn is new; so is one in a new fn.
    let more = edited.replace(
        "    std::thread::sleep(d);\n}\n",
        "    std::thread::sleep(d);\n    std::thread::sleep(d);\n}\n\nasync fn fresh() {\n    std::thread::sleep(d);\n}\n",
    );
    std::fs::write(dir.path().join("src/lib.rs"), &more).unwrap();
    let o = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            "src",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let new: Vec<u64> = v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["span"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(new.len(), 2, "{v}");
    assert!(new.contains(&20), "{new:?}");
}

#[test]
fn a_bad_baseline_is_an_error() {
    let dir = tree(&[
        ("src/lib.rs", "fn f() {}\n"),
        ("b.json", "{\"version\": 1}"),
    ]);
    let o = run(dir.path(), &["check", "--baseline", "b.json", "src"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("b.json"), "{}", err(&o));
    let o = run(dir.path(), &["check", "--baseline", "missing.json", "src"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_configuration_names_a_baseline_that_check_honours() {
    let meta = format!("{PKG}[package.metadata.rust-async-skill]\nbaseline = \"base.json\"\n");
    let dir = tree(&[("Cargo.toml", &meta), ("src/lib.rs", BASE_CODE)]);
    let o = run(dir.path(), &["check", "src"]);
    assert_eq!(o.status.code(), Some(2), "missing baseline: {}", err(&o));
    assert!(err(&o).contains("base.json"), "{}", err(&o));

    let o = run(
        dir.path(),
        &["check", "--write-baseline", "base.json", "src"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = run(dir.path(), &["check", "--format", "json", "src"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let (found, _) = findings(&o);
    assert!(found.is_empty(), "{found:?}");
    assert!(
        json(&o)["summary"]
            .as_str()
            .unwrap()
            .contains("in the baseline")
    );
    // From the package's folder too: the path is relative to the package.
    let o = run(&dir.path().join("src"), &["check", "lib.rs"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));

    // An explicit --baseline wins over the configuration's.
    std::fs::write(
        dir.path().join("empty.json"),
        "{\"version\": 1, \"tool\": \"rust-async-skill\", \"findings\": []}",
    )
    .unwrap();
    let o = run(dir.path(), &["check", "--baseline", "empty.json", "src"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));

    std::fs::write(dir.path().join("base.json"), "[1, 2").unwrap();
    let o = run(dir.path(), &["check", "src"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("base.json"), "{}", err(&o));

    let bad = format!("{PKG}[package.metadata.rust-async-skill]\nbaseline = 3\n");
    std::fs::write(dir.path().join("Cargo.toml"), bad).unwrap();
    let o = run(dir.path(), &["check", "src"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("baseline"), "{}", err(&o));
}
