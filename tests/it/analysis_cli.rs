//! The `check` and `rules` commands, run as the built binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rust-async-skill"))
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The command may exit before reading its input (a usage error).
    if let Err(e) = child.stdin.take().unwrap().write_all(input) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

fn run(args: &[&str]) -> Output {
    bin().args(args).stdin(Stdio::null()).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

const BUGGY: &str = "use std::time::Duration;\n\nasync fn poll_status() {\n    std::thread::sleep(Duration::from_secs(1));\n}\n";
const CLEAN: &str = "async fn f() {\n    tokio::time::sleep(d).await;\n}\n";

#[test]
fn check_stdin_json_is_exactly_the_diagnosis() {
    let o = run_stdin(&["check", "--format", "json", "-"], BUGGY.as_bytes());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["findings"][0]["rule"], "blocking-sleep");
    assert_eq!(v["findings"][0]["span"]["start"]["line"], 4);
    assert_eq!(v["parse"]["mode"], "file");
    assert_eq!(v["summary"], "1 error");
    let _: rust_async_skill::analysis::Diagnosis = serde_json::from_value(v).unwrap();
    // Stdin is also the default when no path is given.
    let o = run_stdin(&["check", "--format", "json"], CLEAN.as_bytes());
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn check_human_output_looks_like_rustc() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("main.rs");
    std::fs::write(&file, BUGGY).unwrap();
    let o = run(&["check", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("error[blocking-sleep]: `std::thread::sleep` blocks"),
        "{out}"
    );
    assert!(
        out.contains(&format!("--> {}:4:5", file.display())),
        "{out}"
    );
    assert!(
        out.contains("4 |     std::thread::sleep(Duration::from_secs(1));"),
        "{out}"
    );
    assert!(
        out.contains("  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"),
        "{out}"
    );
    assert!(
        out.contains("= help: use `tokio::time::sleep(d).await`"),
        "{out}"
    );
    assert!(out.contains("1 file checked: 1 error"), "{out}");
}

#[test]
fn info_findings_do_not_fail_the_check() {
    let o = run_stdin(
        &["check", "-"],
        b"async fn f() { tokio::spawn(async {}); }\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("info[spawn-handle-dropped]"));
}

#[test]
fn check_paths_json_and_folder_walk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src/sub")).unwrap();
    std::fs::create_dir_all(root.join("target/debug")).unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(root.join("src/a.rs"), BUGGY).unwrap();
    std::fs::write(root.join("src/sub/b.rs"), CLEAN).unwrap();
    std::fs::write(root.join("src/notes.txt"), BUGGY).unwrap();
    std::fs::write(root.join("target/debug/c.rs"), BUGGY).unwrap();
    std::fs::write(root.join(".git/d.rs"), BUGGY).unwrap();
    let o = run(&["check", "--format", "json", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let files = v["files"].as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(
        paths[0].ends_with("a.rs") && paths[1].ends_with("b.rs"),
        "{paths:?}"
    );
    assert_eq!(files[0]["findings"][0]["rule"], "blocking-sleep");
    assert!(files[1]["findings"].as_array().unwrap().is_empty());
    assert_eq!(files[0]["parse"]["mode"], "file");
    assert_eq!(v["summary"], "2 files checked: 1 error");
}

#[test]
fn check_sarif_is_valid_for_code_scanning() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lib.rs");
    std::fs::write(&file, BUGGY).unwrap();
    let o = run(&["check", "--format", "sarif", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run0 = &v["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), rust_async_skill::analysis::rule_docs().len());
    assert!(rules.iter().all(|r| r["id"].is_string()
        && r["help"]["text"].is_string()
        && r["shortDescription"]["text"].is_string()));
    let r = &run0["results"][0];
    assert_eq!(r["ruleId"], "blocking-sleep");
    assert_eq!(r["level"], "error");
    assert!(
        r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("std::thread::sleep")
    );
    let loc = &r["locations"][0]["physicalLocation"];
    assert!(
        loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("lib.rs")
    );
    assert_eq!(loc["region"]["startLine"], 4);
    assert_eq!(loc["region"]["startColumn"], 5);
    assert_eq!(loc["region"]["endLine"], 4);
    assert_eq!(loc["region"]["endColumn"], 47);
    let idx = r["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "blocking-sleep");
}

#[test]
fn io_errors_exit_2_and_name_the_file() {
    let o = run(&["check", "/definitely/not/here.rs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/definitely/not/here.rs"),
        "{}",
        stderr(&o)
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("latin1.rs");
    std::fs::write(&bad, b"fn main() { let s = \"caf\xe9\"; }\n").unwrap();
    let good = dir.path().join("good.rs");
    std::fs::write(&good, BUGGY).unwrap();
    let o = run(&["check", bad.to_str().unwrap(), good.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("latin1.rs") && stderr(&o).contains("UTF-8"),
        "{}",
        stderr(&o)
    );
    // The other file is still checked.
    assert!(stdout(&o).contains("blocking-sleep"));

    let o = run_stdin(&["check", "-"], b"\xff\xfe");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("UTF-8"));
}

#[test]
fn usage_errors_exit_2() {
    let o = run_stdin(&["check", "--rule", "nope", "-"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope") && stderr(&o).contains("blocking-sleep"));
    let o = run_stdin(&["check", "--runtime", "glommio", "-"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("async-std"));
}

#[test]
fn rule_filter_and_runtime_flags() {
    let code = b"async fn f() { std::thread::sleep(d); std::fs::read(\"x\"); }";
    let o = run_stdin(
        &["check", "--format", "json", "--rule", "blocking-fs", "-"],
        code,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    let o = run_stdin(
        &["check", "--format", "json", "--runtime", "smol", "-"],
        code,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        v["findings"][0]["help"]
            .as_str()
            .unwrap()
            .contains("smol::Timer")
    );
}

#[test]
fn rules_lists_and_documents() {
    let o = run(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for d in rust_async_skill::analysis::rule_docs() {
        assert!(out.contains(d.id), "{}", d.id);
    }
    assert!(out.contains("blocking-sleep") && out.contains("error") && out.contains("blocking"));

    let o = run(&["rules", "lock-across-await"]);
    assert_eq!(o.status.code(), Some(0));
    let md = stdout(&o);
    for h in [
        "# lock-across-await",
        "## What it does",
        "## Why is this bad",
        "## Known problems",
        "## Example",
        "## Use instead",
    ] {
        assert!(md.contains(h), "{h}\n{md}");
    }

    let o = run(&["rules", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-rule") && stderr(&o).contains("blocking-sleep"));

    let o = run(&["rules", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v.as_array().unwrap().len(),
        rust_async_skill::analysis::rule_docs().len()
    );
}
