#!/usr/bin/env python3
"""Runs `rust-async-skill check --format json` over real crates and reports
how loud the analyser is on code that is (mostly) correct.

    python3 scripts/registry_check.py ~/.cargo/registry/src/*/tokio-1.54.1 ...
    python3 scripts/registry_check.py --bin target/release/rust-async-skill \
        --findings findings.jsonl --json report.json CRATE_DIR...

One `check` process per crate, with a timeout. For each crate: .rs files and
lines (the same files `check` reads: hidden folders and `target/` skipped),
findings per rule, findings per 10,000 lines, wall time, and any crash (an
exit status other than 0 or 1, a signal, an "internal analyser error" in a
file's parse errors) or hang (the timeout). When a crate crashes or hangs,
its files are re-run one by one to name the culprits.

Exit status: 0 when no crate crashed or hung, 1 otherwise, 2 on bad usage.
With --baseline-check DIR, each crate's findings are also written to a
baseline (`check --write-baseline DIR/CRATE.json`) and the crate re-checked
against it (`check --baseline`): any finding reported then is a baseline
that does not hold its own findings (printed; exit 1).

No dependencies beyond Python 3.8.
"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import time


def default_bin():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cands = []
    if os.environ.get("CARGO_TARGET_DIR"):
        cands.append(os.path.join(os.environ["CARGO_TARGET_DIR"], "release", "rust-async-skill"))
    cands.append(os.path.join(here, "target", "release", "rust-async-skill"))
    for c in cands:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return shutil.which("rust-async-skill")


def rs_files(root):
    """Every .rs file below root, as `check` walks it."""
    if os.path.isfile(root):
        return [root]
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if not x.startswith(".") and x != "target")
        for f in sorted(files):
            if f.endswith(".rs"):
                out.append(os.path.join(d, f))
    return out


def count_lines(path):
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return 0
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def run_check(binary, paths, timeout, runtime, extra=()):
    """(status, seconds, parsed JSON or None, stderr). status: 'ok', 'crash', 'hang'."""
    cmd = [binary, "check", "--format", "json", "--runtime", runtime] + list(extra) + list(paths)
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return "hang", time.monotonic() - t0, None, (e.stderr or b"").decode("utf-8", "replace")
    dt = time.monotonic() - t0
    err = p.stderr.decode("utf-8", "replace")
    # 2 = usage or I/O error (e.g. a file that is not UTF-8): the others are still checked.
    if p.returncode not in (0, 1, 2):
        return "crash(exit %d)" % p.returncode, dt, None, err
    try:
        doc = json.loads(p.stdout.decode("utf-8", "replace"))
    except ValueError:
        return "crash(bad json, exit %d)" % p.returncode, dt, None, err
    return "ok", dt, doc, err


def internal_errors(doc):
    """Files whose analysis panicked (caught by the analyser's guard)."""
    out = []
    for f in (doc or {}).get("files", []):
        for e in f.get("parse", {}).get("errors", []):
            if "internal analyser error" in e.get("message", ""):
                out.append((f.get("path"), e.get("message")))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("crates", nargs="+", help="crate folders (or files)")
    ap.add_argument("--bin", default=None, help="the rust-async-skill binary (default: $CARGO_TARGET_DIR or target/release)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per crate (default 120)")
    ap.add_argument("--file-timeout", type=float, default=20.0, help="seconds per file when isolating a crash (default 20)")
    ap.add_argument("--runtime", default="tokio")
    ap.add_argument("--findings", help="write every finding as one JSON line here (for sampling)")
    ap.add_argument("--json", help="write the report as JSON here")
    ap.add_argument("--baseline-check", metavar="DIR",
                    help="write each crate's baseline in DIR, re-check against it, report what is still new")
    args = ap.parse_args()

    binary = args.bin or default_bin()
    if not binary or not os.path.exists(binary):
        print("error: no rust-async-skill binary; build it with `cargo build --release` or pass --bin", file=sys.stderr)
        return 2

    rows = []
    baseline_rows = []
    per_rule_total = collections.Counter()
    all_findings = []
    failures = []
    for crate in args.crates:
        crate = crate.rstrip("/")
        name = os.path.basename(crate)
        files = rs_files(crate)
        lines = sum(count_lines(f) for f in files)
        status, dt, doc, err = run_check(binary, [crate], args.timeout, args.runtime)
        per_rule = collections.Counter()
        parse_modes = collections.Counter()
        skipped = [l for l in err.splitlines() if l.startswith("error:")]
        if doc is not None:
            for f in doc.get("files", []):
                parse_modes[f.get("parse", {}).get("mode", "?")] += 1
                for fd in f.get("findings", []):
                    per_rule[fd["rule"]] += 1
                    all_findings.append({
                        "crate": name,
                        "path": f.get("path"),
                        "line": fd["span"]["start"]["line"],
                        "column": fd["span"]["start"]["column"],
                        "rule": fd["rule"],
                        "severity": fd.get("severity"),
                        "message": fd.get("message"),
                    })
            for path, msg in internal_errors(doc):
                failures.append({"crate": name, "file": path, "status": "panic", "detail": msg})
        if status != "ok":
            culprits = []
            for f in files:
                s, fdt, _, ferr = run_check(binary, [f], args.file_timeout, args.runtime)
                if s != "ok":
                    culprits.append({"file": f, "status": s, "seconds": round(fdt, 2), "stderr": ferr[-500:]})
            failures.append({"crate": name, "status": status, "stderr": err[-1000:], "files": culprits})
        if args.baseline_check and status == "ok":
            os.makedirs(args.baseline_check, exist_ok=True)
            base = os.path.join(args.baseline_check, name + ".json")
            run_check(binary, [crate], args.timeout, args.runtime, ["--write-baseline", base])
            s2, _, doc2, _ = run_check(binary, [crate], args.timeout, args.runtime, ["--baseline", base])
            still = [(f.get("path"), fd["span"]["start"]["line"], fd["rule"])
                     for f in (doc2 or {}).get("files", []) for fd in f.get("findings", [])]
            baselined = sum(e.get("count", 0) for e in json.load(open(base)).get("findings", []))
            baseline_rows.append((name, baselined, len(still), s2))
            for x in still:
                failures.append({"crate": name, "status": "new after baseline", "detail": x})
        n = sum(per_rule.values())
        per_rule_total.update(per_rule)
        rows.append({
            "crate": name,
            "files": len(files),
            "lines": lines,
            "findings": n,
            "per_10k_lines": round(n * 10000.0 / lines, 2) if lines else 0.0,
            "seconds": round(dt, 3),
            "status": status,
            "parse_modes": dict(parse_modes),
            "per_rule": dict(per_rule.most_common()),
            "skipped": skipped,
        })

    total_lines = sum(r["lines"] for r in rows)
    total_n = sum(r["findings"] for r in rows)
    w = max([len(r["crate"]) for r in rows] + [5])
    print("%-*s %6s %8s %8s %9s %8s  %s" % (w, "crate", "files", "lines", "findings", "per10k", "seconds", "status"))
    for r in rows:
        print("%-*s %6d %8d %8d %9.2f %8.2f  %s%s" % (
            w, r["crate"], r["files"], r["lines"], r["findings"], r["per_10k_lines"], r["seconds"], r["status"],
            ("  (%d file(s) skipped)" % len(r["skipped"])) if r["skipped"] else ""))
    print("%-*s %6d %8d %8d %9.2f %8.2f" % (
        w, "TOTAL", sum(r["files"] for r in rows), total_lines, total_n,
        total_n * 10000.0 / total_lines if total_lines else 0.0, sum(r["seconds"] for r in rows)))
    print()
    print("findings per rule:")
    for rule, c in per_rule_total.most_common():
        crates = ", ".join("%s %d" % (r["crate"], r["per_rule"][rule]) for r in rows if rule in r["per_rule"])
        print("  %-32s %5d   (%s)" % (rule, c, crates))
    for r in rows:
        for s in r["skipped"]:
            print("  note: %s: %s" % (r["crate"], s))
    print()
    if args.baseline_check:
        print("baseline round trip: %d crate(s), %d finding(s) recorded, %d new after re-checking" % (
            len(baseline_rows), sum(r[1] for r in baseline_rows), sum(r[2] for r in baseline_rows)))
        print()
    if failures:
        print("CRASHES / HANGS / NEW AFTER BASELINE:")
        for f in failures:
            print("  " + json.dumps(f))
    else:
        print("no crash, no hang, no internal analyser error")

    if args.findings:
        with open(args.findings, "w") as fh:
            for f in all_findings:
                fh.write(json.dumps(f) + "\n")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"binary": binary, "crates": rows, "per_rule": dict(per_rule_total.most_common()),
                       "total_lines": total_lines, "total_findings": total_n,
                       "per_10k_lines": round(total_n * 10000.0 / total_lines, 2) if total_lines else 0.0,
                       "failures": failures}, fh, indent=2)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
