#!/usr/bin/env python3
"""Score rust-async-skill findings against //~ markers (same rules as tests/fixtures/README.md).

Every finding is matched against the markers of its file: (line of span start, rule).
A finding with no marker on its line = false positive; a marker with no finding = false negative.
Also reports "near misses": an FP and an FN of the same rule in the same file within 3 lines
(usually a span-start convention difference rather than a detection difference).
"""
import json, os, re, subprocess, sys
from collections import defaultdict

BIN = os.environ.get("BIN", os.path.join(os.path.dirname(__file__), "..", "target", "release", "rust-async-skill"))
root = sys.argv[1]

def markers(text):
    exp = []
    for i, line in enumerate(text.splitlines(), 1):
        idx = line.find("//~")
        if idx < 0:
            continue
        for rid in re.split(r"[\s,]+", line[idx + 3:].strip()):
            if rid:
                exp.append((i, rid))
    return exp

def runtime_of(text):
    first = text.splitlines()[0] if text else ""
    m = re.match(r"\s*//@\s*runtime:\s*(\S+)", first)
    return m.group(1) if m else "tokio"

files = []
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith(".rs"):
            files.append(os.path.join(d, f))
files.sort()

tp = defaultdict(int); fn = defaultdict(int); fp = defaultdict(int)
pos_files = defaultdict(int); neg_files = defaultdict(int)
misses, fps, near, parse_notes = [], [], [], []
for path in files:
    text = open(path).read()
    folder = os.path.basename(os.path.dirname(path))
    name = os.path.basename(path)
    (pos_files if name.startswith("pos_") else neg_files)[folder] += 1
    out = subprocess.run([BIN, "check", "--format", "json", "--runtime", runtime_of(text), path],
                         capture_output=True, text=True)
    if out.returncode == 2:
        print("ERROR", path, out.stderr, file=sys.stderr); continue
    data = json.loads(out.stdout)["files"][0]
    if data["parse"]["errors"] or data["parse"]["mode"] != "file":
        parse_notes.append((path, data["parse"]["mode"], len(data["parse"]["errors"])))
    found = [(f["span"]["start"]["line"], f["rule"], f) for f in data["findings"]]
    exp = markers(text)
    remaining = list(exp)
    file_fp = []
    for line, rule, f in found:
        if (line, rule) in remaining:
            remaining.remove((line, rule)); tp[rule] += 1
        else:
            fp[rule] += 1; file_fp.append((line, rule, f))
    for line, rule in remaining:
        fn[rule] += 1
    rel = os.path.relpath(path, root)
    for line, rule in remaining:
        n = [x for x in file_fp if x[1] == rule and abs(x[0] - line) <= 3]
        misses.append((rel, line, rule, "near-miss: reported at line %d" % n[0][0] if n else ""))
    for line, rule, f in file_fp:
        n = [m for m in remaining if m[1] == rule and abs(m[0] - line) <= 3]
        fps.append((rel, line, rule, f["severity"], f["message"], "near-miss" if n else ""))

rules = sorted(set(tp) | set(fn) | set(fp) | (set(pos_files) | set(neg_files)) - {"clean"})
print(f"{'rule':32} {'pos':>3} {'neg':>3} {'TP':>3} {'FN':>3} {'FP':>3} {'recall':>7} {'prec':>7}")
T = F = P = 0
for r in rules:
    t, n_, p = tp[r], fn[r], fp[r]
    T += t; F += n_; P += p
    rec = f"{t/(t+n_):.2f}" if t + n_ else "-"
    pre = f"{t/(t+p):.2f}" if t + p else "-"
    print(f"{r:32} {pos_files[r]:>3} {neg_files[r]:>3} {t:>3} {n_:>3} {p:>3} {rec:>7} {pre:>7}")
print(f"{'TOTAL':32} {sum(pos_files.values()):>3} {sum(neg_files.values()):>3} {T:>3} {F:>3} {P:>3} {T/(T+F):>7.2f} {T/(T+P):>7.2f}")
print(f"\nfiles: {len(files)}")
print("\nMISSES (expected, not reported):")
for m in misses: print("  %s:%d  %s  %s" % m)
print("\nFALSE POSITIVES (reported, not expected):")
for f in fps: print("  %s:%d  %s [%s] %s  %s" % f)
print("\nFiles not parsed in 'file' mode or with parse errors:")
for p in parse_notes: print("  %s mode=%s errors=%d" % p)
