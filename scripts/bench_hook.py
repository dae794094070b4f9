#!/usr/bin/env python3
"""Median wall time of the whole `hook claude-code` process on an Edit of an N-line file (1,000 and 5,000 lines).

    python3 scripts/bench_hook.py target/release/rust-async-skill [RUNS]
"""
import json, os, shutil, statistics, subprocess, sys, tempfile, time

BIN = sys.argv[1]
UNIT = '''
pub async fn handler_{i}(state: &std::sync::Mutex<Vec<u8>>, db: &Db) -> Result<usize, Error> {{
    let n = {{
        let g = state.lock().unwrap();
        g.len()
    }};
    let rows = db.query("select * from t where id = $1", &[&n]).await?;
    for r in rows.iter() {{
        tracing::debug!(?r, "row");
    }}
    tokio::time::sleep(std::time::Duration::from_millis(n as u64)).await;
    Ok(rows.len())
}}
'''
def run(lines, reps):
    d = tempfile.mkdtemp()
    src = os.path.join(d, "src")
    os.makedirs(src)
    open(os.path.join(d, "Cargo.toml"), "w").write('[package]\nname = "b"\nversion = "0.1.0"\n')
    body, i = "use std::time::Duration;\n", 0
    while body.count("\n") < lines:
        body += UNIT.format(i=i); i += 1
    body = "\n".join(body.split("\n")[:lines]) + "\n"
    # cut at a fn boundary is not needed: the analyser copes with broken tails
    path = os.path.join(src, "lib.rs")
    open(path, "w").write(body)
    payload = json.dumps({"session_id": "s", "cwd": d, "hook_event_name": "PostToolUse", "tool_name": "Edit",
                          "tool_input": {"file_path": path, "old_string": "x", "new_string": "    let g = state.lock().unwrap();"}}).encode()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        p = subprocess.run([BIN, "hook", "claude-code"], input=payload, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t0)
    shutil.rmtree(d)
    return statistics.median(times) * 1000, min(times) * 1000, len(p.stdout), p.returncode

for n in (1000, 5000):
    med, lo, out, rc = run(n, int(sys.argv[2]) if len(sys.argv) > 2 else 31)
    print(f"{n} lines: median {med:.1f} ms (min {lo:.1f} ms), stdout {out} bytes, exit {rc}")
