#!/usr/bin/env python3
"""Wall time of the after-edit hook re-checking one edited file of a large
crate, as an agent's edit loop runs it: `hook claude-code` on an Edit of
FILE inside a copy of CRATE_DIR, with the crate summary cache in a fresh
folder. The first run is cold (every file is summarised and cached); each
later run edits FILE again (a new comment line, so its content hash
changes) and finds the other files' summaries in the cache.

    python3 scripts/bench_hook_crate.py target/release/rust-async-skill \\
        ~/.cargo/registry/src/*/tokio-1.54.1 src/task/blocking.rs [RUNS]

Prints the crate's size, the cold time and the median, min and max of the
warm runs.
"""
import json, os, shutil, statistics, subprocess, sys, tempfile, time


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    binary, crate, rel = sys.argv[1], sys.argv[2], sys.argv[3]
    runs = int(sys.argv[4]) if len(sys.argv) == 5 else 8
    work = tempfile.mkdtemp(prefix="bench-hook-crate-")
    try:
        root = os.path.join(work, "crate")
        shutil.copytree(crate, root, ignore=shutil.ignore_patterns("target", ".git"))
        env = dict(os.environ, RUST_ASYNC_SKILL_CACHE_DIR=os.path.join(work, "cache"))
        lines = sum(
            sum(1 for _ in open(os.path.join(d, f), "rb"))
            for d, _, fs in os.walk(root)
            for f in fs
            if f.endswith(".rs")
        )
        path = os.path.join(root, rel)
        times = []
        for i in range(runs + 1):
            with open(path, "a") as f:
                f.write(f"// edit {i}\n")
            payload = json.dumps({
                "session_id": "bench", "cwd": root, "hook_event_name": "PostToolUse",
                "tool_name": "Edit",
                "tool_input": {"file_path": path, "old_string": "x", "new_string": f"// edit {i}"},
            }).encode()
            t0 = time.perf_counter()
            p = subprocess.run([binary, "hook", "claude-code"], input=payload, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            times.append(time.perf_counter() - t0)
            if p.returncode != 0 or p.stderr:
                sys.exit(f"hook failed (exit {p.returncode}): {p.stderr.decode(errors='replace')}")
        warm = times[1:]
        print(f"{lines} lines of .rs in the crate; edited {rel}")
        print(f"cold: {times[0] * 1000:.0f} ms")
        print(f"warm ({runs} runs): median {statistics.median(warm) * 1000:.0f} ms, "
              f"min {min(warm) * 1000:.0f}, max {max(warm) * 1000:.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
