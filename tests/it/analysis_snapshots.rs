//! Snapshot tests: the exact JSON of `diagnose` for the inputs in
//! tests/fixtures/snapshots/*.rs is kept next to them as *.json.
//! Regenerate with `UPDATE_SNAPSHOTS=1 cargo test --test it analysis_snapshots::`.

use rust_async_skill::analysis::{DiagnoseOptions, diagnose};
use std::path::Path;

#[test]
fn json_output_matches_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshots");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 4);
    let mut failures = Vec::new();
    for input in inputs {
        let code = std::fs::read_to_string(&input).unwrap();
        let d = diagnose(&code, &DiagnoseOptions::default()).unwrap();
        let got = serde_json::to_string_pretty(&d).unwrap() + "\n";
        let snap = input.with_extension("json");
        if update {
            std::fs::write(&snap, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&snap).unwrap_or_default();
        if want != got {
            failures.push(format!(
                "{}:\n--- want\n{want}\n--- got\n{got}",
                snap.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "snapshots differ (UPDATE_SNAPSHOTS=1 to accept):\n{}",
        failures.join("\n")
    );
}
