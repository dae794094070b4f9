#!/usr/bin/env python3
"""Starts an MCP server command over stdio and checks that it answers like
rust-async-skill: `initialize` (serverInfo name and version), then
`tools/list` (the three tools), then exits once its stdin closes.

    mcp_initialize.py --version 0.1.0 [--cwd DIR] [--env K=V] -- CMD ARGS...

Plain JSON-RPC over pipes, standard library only, so it runs the command
exactly as a client would (npx and a shim included). Prints the time to the
initialize answer; exits 1 with the reason when anything differs.
"""
import argparse
import json
import os
import queue
import subprocess
import sys
import threading
import time

TOOLS = {"explain_concept", "diagnose_snippet", "suggest_fix"}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", required=True, help="the serverInfo.version expected")
    ap.add_argument("--cwd")
    ap.add_argument("--env", action="append", default=[], help="K=V added to the environment")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds for each answer")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    opts = ap.parse_args()
    cmd = opts.cmd[1:] if opts.cmd[:1] == ["--"] else opts.cmd
    if not cmd:
        ap.error("no server command")
    env = dict(os.environ)
    for kv in opts.env:
        k, _, v = kv.partition("=")
        env[k] = v

    start = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        cwd=opts.cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    lines: "queue.Queue[bytes]" = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout], daemon=True).start()
    stderr: list = []
    threading.Thread(target=lambda: stderr.extend(proc.stderr), daemon=True).start()

    def fail(why: str) -> int:
        proc.kill()
        proc.wait()
        tail = b"".join(stderr)[-2000:].decode("utf-8", "replace")
        print(f"FAIL {' '.join(cmd)}: {why}\n--- stderr ---\n{tail}", file=sys.stderr)
        return 1

    def send(msg: dict) -> None:
        proc.stdin.write(json.dumps(msg).encode() + b"\n")
        proc.stdin.flush()

    def answer(req_id: int):
        deadline = time.monotonic() + opts.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None, "no answer in time"
            try:
                line = lines.get(timeout=left)
            except queue.Empty:
                return None, "no answer in time"
            try:
                msg = json.loads(line)
            except ValueError:
                return None, f"stdout is not JSON-RPC: {line[:200]!r}"
            if msg.get("id") == req_id:
                return msg, None

    send({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "dist-check", "version": "1"},
        },
    })
    msg, err = answer(1)
    if err:
        return fail(f"initialize: {err}")
    elapsed = time.monotonic() - start
    info = (msg.get("result") or {}).get("serverInfo") or {}
    if info.get("name") != "rust-async-skill" or info.get("version") != opts.version:
        return fail(f"serverInfo is {info}, expected rust-async-skill {opts.version}")
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    send({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
    msg, err = answer(2)
    if err:
        return fail(f"tools/list: {err}")
    names = {t.get("name") for t in (msg.get("result") or {}).get("tools", [])}
    if not TOOLS <= names:
        return fail(f"tools/list has {sorted(names)}, expected {sorted(TOOLS)}")
    proc.stdin.close()
    try:
        code = proc.wait(timeout=opts.timeout)
    except subprocess.TimeoutExpired:
        return fail("did not exit after its stdin closed")
    if code != 0:
        return fail(f"exit status {code} after stdin closed")
    print(f"ok: {info['name']} {info['version']} answered initialize in {elapsed * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
