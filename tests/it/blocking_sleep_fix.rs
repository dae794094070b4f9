//! The safety label of blocking-sleep's fix: `tokio::time::sleep` panics
//! on a runtime without its time driver, so the fix is "safe" only where
//! the snippet shows a runtime that has one (`#[tokio::main]`,
//! `#[tokio::test]`), or on async-std (whose sleep needs no driver).
use rust_async_skill::analysis::{DiagnoseOptions, Runtime};
use rust_async_skill::fix::suggest_fix;

/// `(safety, replacement)` of each blocking-sleep edit.
fn sleep_edits(code: &str, runtime: Runtime) -> Vec<(String, String)> {
    let opts = DiagnoseOptions {
        runtime,
        ..Default::default()
    };
    let out = suggest_fix(code, &opts).unwrap();
    out.edits
        .iter()
        .filter(|e| e.rule == "blocking-sleep")
        .map(|e| (e.safety.clone(), e.replacement.clone()))
        .collect()
}

fn safeties(code: &str, runtime: Runtime) -> Vec<String> {
    let mut s: Vec<String> = sleep_edits(code, runtime)
        .into_iter()
        .map(|e| e.0)
        .collect();
    s.dedup();
    s
}

const SLEEP: &str = "std::thread::sleep(std::time::Duration::from_millis(5));";

#[test]
fn under_tokio_main_or_test_the_fix_is_safe() {
    let main = format!("#[tokio::main]\nasync fn main() {{\n    {SLEEP}\n}}\n");
    assert_eq!(safeties(&main, Runtime::Tokio), ["safe"]);
    let test = format!("#[tokio::test]\nasync fn t() {{\n    {SLEEP}\n}}\n");
    assert_eq!(safeties(&test, Runtime::Tokio), ["safe"]);
    // An async block inside such a fn runs on the same runtime.
    let block = format!(
        "#[tokio::main]\nasync fn main() {{\n    tokio::spawn(async move {{\n        {SLEEP}\n    }});\n}}\n"
    );
    assert_eq!(safeties(&block, Runtime::Tokio), ["safe"]);
}

#[test]
fn where_the_runtime_is_not_shown_the_fix_may_change_behaviour() {
    let bare = format!("async fn tick() {{\n    {SLEEP}\n}}\n");
    for runtime in [Runtime::Tokio, Runtime::Any] {
        assert_eq!(safeties(&bare, runtime), ["may-change-behaviour"]);
    }
    // A hand-built runtime may lack the time driver (this one does).
    let built = format!(
        "fn main() {{\n    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();\n    rt.block_on(async {{\n        {SLEEP}\n    }});\n}}\n"
    );
    assert_eq!(safeties(&built, Runtime::Tokio), ["may-change-behaviour"]);
    // Another fn's attribute says nothing about this fn's runtime.
    let other = format!(
        "#[tokio::main]\nasync fn main() {{ tick().await; }}\nasync fn tick() {{\n    {SLEEP}\n}}\n"
    );
    assert_eq!(safeties(&other, Runtime::Tokio), ["may-change-behaviour"]);
}

#[test]
fn async_std_sleep_needs_no_driver_and_stays_safe() {
    let bare = format!("async fn tick() {{\n    {SLEEP}\n}}\n");
    let edits = sleep_edits(&bare, Runtime::AsyncStd);
    assert!(!edits.is_empty(), "no fix");
    assert!(edits.iter().all(|e| e.0 == "safe"), "{edits:?}");
    assert!(
        edits.iter().any(|e| e.1.contains("async_std::task::sleep")),
        "{edits:?}"
    );
}
