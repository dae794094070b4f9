//! The server checked with its own analyser: `rust-async-skill check src/`
//! finds nothing above info in the crate's own code (the MCP tools run
//! analyses and searches off the async workers, the CLI blocks only where
//! it owns the thread).
use serde_json::Value;
use std::process::Command;

fn check(paths: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_rust-async-skill"))
        .args(["check", "--format", "json"])
        .args(paths)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `(path, severity, rule, line)` of every finding.
fn findings(report: &Value) -> Vec<(String, String, String, u64)> {
    let mut out = Vec::new();
    for file in report["files"].as_array().expect("a list of files") {
        for f in file["findings"].as_array().expect("a list of findings") {
            out.push((
                file["path"].as_str().unwrap_or_default().to_string(),
                f["severity"].as_str().unwrap_or_default().to_string(),
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["span"]["start"]["line"].as_u64().unwrap_or_default(),
            ));
        }
    }
    out
}

#[test]
fn the_crate_has_nothing_above_info_by_its_own_analyser() {
    let report = check(&["src/"]);
    let files = report["files"].as_array().expect("a list of files");
    assert!(files.len() >= 50, "only {} files checked", files.len());
    let unparsed: Vec<&str> = files
        .iter()
        .filter(|f| f["parse"]["errors"] != serde_json::json!([]))
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(unparsed.is_empty(), "syntax errors in {unparsed:?}");
    let above_info: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.1 != "info")
        .collect();
    assert!(above_info.is_empty(), "{above_info:#?}");
}

#[test]
fn the_same_check_reports_a_blocking_call_in_async_code() {
    // The control: the command and the reading above do see a real finding.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bug.rs");
    std::fs::write(
        &file,
        "async fn f() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n",
    )
    .unwrap();
    let found = findings(&check(&[file.to_str().unwrap()]));
    assert!(
        found
            .iter()
            .any(|f| f.1 == "error" && f.2 == "blocking-sleep" && f.3 == 2),
        "{found:?}"
    );
}
