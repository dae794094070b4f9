//! The `--dry-run` diff is a real unified diff: GNU patch applies it and
//! gets the new text, for random edits (with and without a final newline).
use rust_async_skill::textdiff::unified;
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn patch_applies_our_diffs() {
    if Command::new("patch").arg("--version").output().is_err() {
        eprintln!("skipped: no `patch` program on this machine");
        return;
    }
    let mut seed = 12345u64;
    let mut rnd = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f");
    for case in 0..300 {
        let a: Vec<String> = (0..rnd(30)).map(|_| format!("l{}", rnd(6))).collect();
        let mut b = a.clone();
        for _ in 0..rnd(5) {
            let len = b.len() as u64;
            match rnd(3) {
                0 if len > 0 => {
                    b.remove(rnd(len) as usize);
                }
                1 => b.insert(rnd(len + 1) as usize, format!("n{}", rnd(4))),
                _ if len > 0 => {
                    let i = rnd(len) as usize;
                    b[i] = format!("c{}", rnd(3));
                }
                _ => {}
            }
        }
        let text = |lines: &[String], newline: bool| {
            lines.join("\n")
                + if newline && !lines.is_empty() {
                    "\n"
                } else {
                    ""
                }
        };
        let (old, new) = (text(&a, rnd(2) == 0), text(&b, rnd(2) == 0));
        let diff = unified("f", Some(&old), Some(&new));
        if diff.is_empty() {
            assert_eq!(old, new);
            continue;
        }
        std::fs::write(&file, &old).unwrap();
        let mut child = Command::new("patch")
            .arg("-s")
            .arg(&file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(diff.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "case {case}: {}\n{diff}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            new,
            "case {case}\n{diff}"
        );
    }
}
