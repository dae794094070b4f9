//! The public API of the analyser: inputs, limits, spans, parse modes,
//! hostile input, and the quiet cases the rule catalogue promises.

use rust_async_skill::analysis::{
    DiagnoseOptions, Diagnosis, InputError, ParseMode, Runtime, Severity, diagnose, rule_docs,
};
use std::str::FromStr;

fn run(code: &str) -> Diagnosis {
    diagnose(code, &DiagnoseOptions::default()).unwrap()
}

fn rules_of(d: &Diagnosis) -> Vec<&str> {
    d.findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn empty_code_is_clean() {
    for code in ["", "   \n\t\n", "// just a comment\n"] {
        let d = run(code);
        assert!(d.findings.is_empty(), "{code:?}");
        assert!(d.parse.errors.is_empty(), "{code:?}");
        assert_eq!(d.summary, "no findings");
    }
}

#[test]
fn too_large_names_the_field_and_the_limit() {
    let opts = DiagnoseOptions {
        max_code_bytes: 10,
        ..Default::default()
    };
    let err = diagnose("fn main() { let x = 1; }", &opts).unwrap_err();
    assert!(matches!(err, InputError::TooLarge { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("`code`")
            && msg.contains("10 bytes")
            && msg.contains("RUST_ASYNC_SKILL_MAX_CODE_BYTES"),
        "{msg}"
    );
}

#[test]
fn unknown_rule_lists_the_valid_ids() {
    let opts = DiagnoseOptions {
        rules: Some(vec!["no-such-rule".into()]),
        ..Default::default()
    };
    let msg = diagnose("", &opts).unwrap_err().to_string();
    assert!(
        msg.contains("no-such-rule")
            && msg.contains("blocking-sleep")
            && msg.contains("lock-across-await"),
        "{msg}"
    );
}

#[test]
fn rules_option_filters() {
    let code = "async fn f() { std::thread::sleep(d); std::fs::read(\"x\"); }";
    let opts = DiagnoseOptions {
        rules: Some(vec!["blocking-fs".into()]),
        ..Default::default()
    };
    let d = diagnose(code, &opts).unwrap();
    assert_eq!(rules_of(&d), vec!["blocking-fs"]);
}

#[test]
fn runtime_from_str() {
    assert_eq!(Runtime::from_str("tokio").unwrap(), Runtime::Tokio);
    assert_eq!(Runtime::from_str("async-std").unwrap(), Runtime::AsyncStd);
    assert_eq!(Runtime::from_str("smol").unwrap(), Runtime::Smol);
    assert_eq!(Runtime::from_str("any").unwrap(), Runtime::Any);
    assert!(
        Runtime::from_str("glommio")
            .unwrap_err()
            .to_string()
            .contains("runtime")
    );
}

#[test]
fn parse_modes() {
    assert_eq!(run("fn main() {}").parse.mode, ParseMode::File);
    assert_eq!(
        run("async fn f(&self) -> u8;\nasync fn g(&self) {}")
            .parse
            .mode,
        ParseMode::File
    );
    assert_eq!(
        run("let x = 1;\nfoo(x).await;").parse.mode,
        ParseMode::Statements
    );
    assert_eq!(run("foo().await").parse.mode, ParseMode::Expression);
    let broken = run("async fn f() {\n    let x = 1 +;\n    std::thread::sleep(d);\n}\n");
    assert_eq!(broken.parse.mode, ParseMode::Tokens);
    assert!(!broken.parse.errors.is_empty());
    // The statement that parses is still analysed.
    assert_eq!(rules_of(&broken), vec!["blocking-sleep"]);
}

#[test]
fn token_fallback_catches_calls_in_unbalanced_code() {
    // A stray closer: the blocks cannot be closed, only tokens are left.
    let d = run(
        "async fn handler() {\n    std::thread::sleep(Duration::from_secs(1));\n    if x { ) {\n",
    );
    assert_eq!(d.parse.mode, ParseMode::Tokens);
    assert_eq!(rules_of(&d), vec!["blocking-sleep"]);
    assert_eq!(d.findings[0].span.start.line, 2);
}

#[test]
fn spans_are_in_the_code_as_sent() {
    // Statements mode: the wrapper the analyser adds must not shift lines.
    let d = run("let a = 1;\nstd::thread::sleep(d);");
    let f = &d.findings[0];
    assert_eq!((f.span.start.line, f.span.start.column), (2, 1));
    assert_eq!((f.span.end.line, f.span.end.column), (2, 22));
}

#[test]
fn spans_handle_crlf_tabs_and_unicode() {
    let code = "async fn f() {\r\n\tlet é = \"ü\"; std::thread::sleep(d);\r\n}\r\n";
    let d = run(code);
    let f = &d.findings[0];
    assert_eq!(f.span.start.line, 2);
    // Columns count characters: tab = 1, `é` = 1, `ü` = 1.
    assert_eq!(f.span.start.column, 15);
    assert_eq!(&code[f.range.clone()], "std::thread::sleep(d)");
    assert_eq!(f.span.end.column, 15 + "std::thread::sleep(d)".len());
}

#[test]
fn bom_and_shebang_keep_offsets() {
    let code = "\u{feff}#!/usr/bin/env run-cargo-script\nasync fn f() { std::thread::sleep(d); }";
    let d = run(code);
    assert_eq!(d.findings.len(), 1);
    assert_eq!(&code[d.findings[0].range.clone()], "std::thread::sleep(d)");
}

#[test]
fn deep_nesting_does_not_overflow() {
    let parens = format!(
        "fn main() {{ let x = {}1{}; }}",
        "(".repeat(20_000),
        ")".repeat(20_000)
    );
    let blocks = format!(
        "async fn f() {{ {} std::thread::sleep(d); {} }}",
        "{".repeat(20_000),
        "}".repeat(20_000)
    );
    let chain = format!("async fn f() {{ let x = 1{}; }}", " + 1".repeat(100_000));
    let unary = format!("fn f() {{ let x = {}true; }}", "!".repeat(50_000));
    let elses = format!(
        "async fn f() {{ if a {{}} {} }}",
        "else if a {} ".repeat(20_000)
    );
    for code in [parens, blocks.clone(), chain, unary, elses] {
        let d = run(&code);
        assert!(!d.summary.is_empty());
    }
    // The token scan still sees the sleep inside 20,000 blocks.
    assert_eq!(rules_of(&run(&blocks)), vec!["blocking-sleep"]);
}

#[test]
fn shapes_just_under_the_nesting_limit_do_not_overflow() {
    // Each shape stays just under the parser's nesting limit, so syn and the
    // walk recurse as deep as they ever will (in debug builds too).
    let chain = format!("async fn f() {{ let x = 1{}; }}", " + 1".repeat(990));
    let methods = format!("async fn f() {{ x{}.await; }}", ".m()".repeat(640));
    let unary = format!("fn f() {{ let x = {}true; }}", "!".repeat(1_980));
    let parens = format!(
        "fn f() {{ let x = {}1{}; }}",
        "(".repeat(390),
        ")".repeat(390)
    );
    let blocks = format!(
        "async fn f() {{ {} x().await; {} }}",
        "{".repeat(390),
        "}".repeat(390)
    );
    let closures = format!("fn f() {{ let c = {}0; }}", "|x| ".repeat(650));
    let refs = format!("fn f() {{ let r = {}x; }}", "&".repeat(1_980));
    let awaits = format!("async fn f() {{ x{}; }}", ".await".repeat(990));
    let tries = format!("async fn f() {{ x{}; }}", "?".repeat(1_980));
    let elses = format!(
        "async fn f() {{ if a {{}} {} }}",
        "else if a {} ".repeat(490)
    );
    for (i, code) in [
        chain, methods, unary, parens, blocks, closures, refs, awaits, tries, elses,
    ]
    .iter()
    .enumerate()
    {
        let d = run(code);
        assert_eq!(
            d.parse.mode,
            ParseMode::File,
            "shape {i} should still parse fully"
        );
    }
}

#[test]
fn moderate_nesting_is_parsed_fully() {
    let code = format!(
        "async fn f() {{ let x = {}1{}; std::thread::sleep(d); }}",
        "(".repeat(300),
        ")".repeat(300)
    );
    let d = run(&code);
    assert_eq!(d.parse.mode, ParseMode::File);
    assert_eq!(rules_of(&d), vec!["blocking-sleep"]);
}

#[test]
fn macros_everywhere() {
    let code = r#"
macro_rules! m { ($e:expr) => { $e }; }
#[tokio::main]
async fn main() {
    println!("{}", m!(1));
    assert_eq!(vec![1, 2].len(), 2, "{}", format!("{:?}", std::thread::sleep(d)));
    tokio::select! { _ = a() => {}, _ = b() => {} }
    let x = quote! { #a + #b };
    sqlx::query!("SELECT 1").fetch_one(&pool).await?;
    tracing::info!(target: "x", ?v, "done");
}
"#;
    let d = run(code);
    assert_eq!(rules_of(&d), vec!["blocking-sleep"]);
}

#[test]
fn quiet_cases_of_the_catalogue_stay_quiet() {
    let quiet = [
        // guard dropped / scoped before the await
        "async fn f(m: &std::sync::Mutex<u8>) { let g = m.lock().unwrap(); drop(g); x().await; }",
        "async fn f(m: &std::sync::Mutex<u8>) { { let g = m.lock().unwrap(); } x().await; }",
        "async fn f(m: &std::sync::Mutex<u8>) { let v = m.lock().unwrap().clone(); x().await; }",
        // tokio Mutex across await
        "async fn f(m: &tokio::sync::Mutex<u8>) { let g = m.lock().await; x().await; }",
        // thread::sleep inside spawn_blocking
        "async fn f() { tokio::task::spawn_blocking(|| std::thread::sleep(d)).await.unwrap(); }",
        // a select! future pinned outside the loop and polled as &mut
        "async fn f(mut rx: tokio::sync::mpsc::Receiver<u8>) { let s = tokio::time::sleep(d); tokio::pin!(s); loop { tokio::select! { _ = &mut s => break, Some(v) = rx.recv() => {} } } }",
        // recv in select!
        "async fn f(mut rx: tokio::sync::mpsc::Receiver<u8>, mut t: tokio::time::Interval) { loop { tokio::select! { Some(v) = rx.recv() => {}, _ = t.tick() => {} } } }",
        // let _ = tokio::spawn(..)
        "async fn f() { let _ = tokio::spawn(async {}); }",
        // try_recv
        "async fn f(rx: std::sync::mpsc::Receiver<u8>) { let _ = rx.try_recv(); }",
        // sync fn items
        "fn f() { std::thread::sleep(d); std::fs::read(\"x\").unwrap(); }",
        // a std Mutex by itself
        "async fn f(m: &std::sync::Mutex<u8>) { *m.lock().unwrap() += 1; }",
    ];
    for code in quiet {
        let d = run(code);
        let loud: Vec<_> = d
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .collect();
        assert!(loud.is_empty(), "{code}\n{loud:#?}");
    }
}

#[test]
fn findings_are_sorted_and_well_formed() {
    let code = "async fn f(m: &std::sync::Mutex<u8>) {\n    std::fs::read(\"a\").unwrap();\n    let g = m.lock().unwrap();\n    std::thread::sleep(d);\n    x().await;\n}";
    let d = run(code);
    assert!(d.findings.len() >= 3);
    // The concept catalogue (shared/spec/concepts.md).
    let concepts = [
        "future-trait",
        "async-desugaring",
        "pin-unpin",
        "waker",
        "waker-leaks",
        "executor",
        "task-spawning",
        "blocking",
        "cooperative-scheduling",
        "select",
        "cancellation",
        "join",
        "send-bounds",
        "async-locks",
        "channels",
        "local-set",
        "runtime-setup",
        "timers",
        "tokio-console",
        "async-debugging",
        "streams",
        "async-traits",
    ];
    for w in d.findings.windows(2) {
        assert!(
            (w[0].span.start.line, w[0].span.start.column)
                <= (w[1].span.start.line, w[1].span.start.column)
        );
    }
    for f in &d.findings {
        assert_eq!(f.doc_uri, format!("rust-async://rules/{}", f.rule));
        assert!(
            concepts.contains(&f.concept.as_str()),
            "concept {}",
            f.concept
        );
        assert!(!f.help.is_empty() && !f.message.is_empty());
    }
    assert_eq!(d.summary, "1 error, 2 warnings");
}

#[test]
fn fix_available_follows_the_catalogue() {
    let d = run(
        "async fn f() { let c = ureq::get(u).call(); std::net::TcpStream::connect(a).unwrap(); }",
    );
    let by_rule: Vec<(bool, &str)> = d
        .findings
        .iter()
        .map(|f| (f.fix_available, f.message.as_str()))
        .collect();
    assert_eq!(by_rule.len(), 2);
    assert!(!by_rule[0].0, "ureq has no tokio twin");
    // std TcpStream has a tokio twin; it is offered once a fix is computed for it.
    assert_eq!(by_rule[1].0, d.findings[1].fix.is_some());
    for doc in rule_docs() {
        assert!(!doc.markdown().is_empty());
    }
}

#[test]
fn maybe_async_closures_are_one_severity_lower() {
    let d = run("async fn f() { retry(|| std::thread::sleep(d)); }");
    assert_eq!(d.findings.len(), 1);
    assert_eq!(d.findings[0].severity, Severity::Warning);
    let inline = run("async fn f(v: Vec<u8>) { v.iter().for_each(|_| std::thread::sleep(d)); }");
    assert_eq!(inline.findings[0].severity, Severity::Error);
}

#[test]
fn unresolved_names_say_what_was_assumed() {
    let d = run("async fn f() { thread::sleep(d); }");
    assert!(
        d.findings[0]
            .assumption
            .as_deref()
            .unwrap_or("")
            .contains("std::thread")
    );
    let json = serde_json::to_value(&d).unwrap();
    assert!(json["findings"][0]["assumption"].is_string());
    let resolved = run("use std::thread;\nasync fn f() { thread::sleep(d); }");
    assert!(resolved.findings[0].assumption.is_none());
    assert!(
        serde_json::to_value(&resolved).unwrap()["findings"][0]
            .get("assumption")
            .is_none()
    );
}

#[test]
fn runtime_option_changes_advice() {
    let code = "async fn f() { std::thread::sleep(d); }";
    let opts = DiagnoseOptions {
        runtime: Runtime::AsyncStd,
        ..Default::default()
    };
    let d = diagnose(code, &opts).unwrap();
    assert!(d.findings[0].help.contains("async_std::task::sleep"));
}

#[test]
fn markdown_fences_and_truncated_pastes() {
    let fenced = run("```rust\nasync fn f() {\n    std::thread::sleep(d);\n}\n```\n");
    assert_eq!(fenced.parse.mode, ParseMode::File);
    assert_eq!(fenced.findings[0].span.start.line, 3);
    let truncated = run("async fn f() {\n    loop {\n        std::thread::sleep(d);\n");
    assert_eq!(truncated.parse.mode, ParseMode::File);
    assert!(
        truncated.parse.errors[0]
            .message
            .contains("unclosed delimiter")
    );
    assert_eq!(rules_of(&truncated), vec!["blocking-sleep"]);
}

#[test]
fn diagnose_async_answers_like_diagnose_without_blocking_the_runtime() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let code = "async fn f() { std::thread::sleep(std::time::Duration::from_millis(5)); }";
    let opts = DiagnoseOptions::default();
    let sync = diagnose(code, &opts).unwrap();
    rt.block_on(async {
        // Several analyses in flight on one thread: each awaits its worker.
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..8 {
            set.spawn(rust_async_skill::analysis::diagnose_async(
                code.to_string(),
                opts.clone(),
            ));
        }
        while let Some(d) = set.join_next().await {
            let d = d.unwrap().unwrap();
            assert_eq!(rules_of(&d), rules_of(&sync));
            assert_eq!(rules_of(&d), ["blocking-sleep"]);
        }
        let too_big = DiagnoseOptions {
            max_code_bytes: 4,
            ..DiagnoseOptions::default()
        };
        let e = rust_async_skill::analysis::diagnose_async(code.to_string(), too_big)
            .await
            .unwrap_err();
        assert!(matches!(e, InputError::TooLarge { limit: 4, .. }), "{e}");
    });
}
