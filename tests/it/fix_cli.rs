//! `rust-async-skill fix` as a user runs it: stdin to stdout, --diff, --write.
use std::io::Write;
use std::process::{Command, Stdio};

fn fix(args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rust-async-skill"))
        .arg("fix")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The command may exit before reading its input (a usage error): a
    // closed pipe is then expected, not a failure.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

#[test]
fn clean_code_passes_through_unchanged() {
    let code = "async fn f() {\n    tokio::task::yield_now().await;\n}\n";
    let out = fix(&[], code.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), code);
    let out = fix(&["--diff", "-"], code.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_input_exits_two_with_a_message() {
    let out = fix(&[], b"fn f() { \xff }");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not UTF-8"));
    let out = fix(&["--write"], b"fn f() {}");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--write needs a file"));
    let out = fix(&["/no/such/file.rs"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.rs"));
    let out = fix(&["--rule", "no-such-rule"], b"fn f() {}");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn write_leaves_a_clean_file_untouched_and_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lib.rs");
    let code = "pub async fn f() {}\n";
    std::fs::write(&path, code).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = fix(&["--write", path.to_str().unwrap()], b"");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), code);
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[test]
fn a_fix_is_applied_and_described_on_stderr() {
    let code =
        "async fn tick() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n";
    let out = fix(&[], code.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "async fn tick() {\n    tokio::time::sleep(std::time::Duration::from_millis(5)).await;\n}\n"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    // No runtime in sight: the time driver may be off.
    assert!(
        err.contains("fixed (may-change-behaviour): 2:5: [blocking-sleep]"),
        "{err}"
    );
    // Fixing the output again changes nothing.
    let again = fix(&[], b"async fn tick() {\n    tokio::time::sleep(std::time::Duration::from_millis(5)).await;\n}\n");
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 edit(s) applied"));
}
