#!/usr/bin/env bash
# Tries .pre-commit-hooks.yaml with the real pre-commit (PyPI) on a sample
# repository: a clean clone of this repository at HEAD is the hook repo (pre-commit
# needs a git repo and a rev; it is cloned to target/pre-commit/hook-repo), and the sample crate's .pre-commit-config.yaml
# uses our hook. Asserts that a blocking call in an async fn fails the commit
# with `blocking-sleep`, that a change to a non-.rs file does not run the hook,
# and that the suppression comment makes it pass.
#
# pre-commit's `language: rust` runs `cargo install --bins --root ENV --path .`
# in its clone, a release build of every dependency. pre-commit 4 runs cargo
# with this process's environment (languages/rust.py: cmd_output_b without
# env=), so the CARGO_* variables below reach that cargo and make the build a
# fast unoptimised one; CARGO_TARGET_DIR under target/ lets a later run with a
# cold PRE_COMMIT_HOME reuse the compiled dependencies. PRE_COMMIT_HOME stays
# under target/ so a second run reuses the installed hook. (A cargo config
# above target/ that sets build.build-dir applies to that cargo too: its
# intermediate artifacts then go there.) Cold: 3.5 to 5 min on 2 busy cores.
# The last line is "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${PRE_COMMIT_TEST_CACHE:-$ROOT/target/pre-commit}
passed=0
failed=0
ok() { echo "ok   - $*"; passed=$((passed + 1)); }
not_ok() { echo "FAIL - $*"; failed=$((failed + 1)); }
finish() { echo; echo "pre-commit: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }
die() { not_ok "$*"; finish; }

if ! python3 -m pre_commit --version >/dev/null 2>&1; then
    python3 -m pip install -q pre-commit || die "pip install pre-commit"
fi
echo "# $(python3 -m pre_commit --version)"

export PRE_COMMIT_HOME=${PRE_COMMIT_HOME:-$CACHE/home}
export CARGO_TARGET_DIR=$CACHE/cargo-target
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0
export CARGO_PROFILE_RELEASE_DEBUG=false
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256
export CARGO_INCREMENTAL=0
# The sample repository's commits must not depend on the user's git setup.
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.invalid
mkdir -p "$PRE_COMMIT_HOME"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
REV=$(git -C "$ROOT" rev-parse HEAD) || die "git rev-parse HEAD"
# A fixed path: pre-commit keys its installed hooks by (repo, rev), so a second
# run at the same commit reuses the hook it built.
HOOK_REPO=$CACHE/hook-repo
rm -rf "$HOOK_REPO"
git clone -q "$ROOT" "$HOOK_REPO" && git -C "$HOOK_REPO" checkout -q "$REV" ||
    die "clone of this repository at $REV"

SAMPLE=$TMP/sample
mkdir -p "$SAMPLE/src"
cd "$SAMPLE" || die "cd $SAMPLE"
git init -q . && git config commit.gpgsign false
cat >Cargo.toml <<'EOF'
[package]
name = "sample"
version = "0.1.0"
edition = "2021"
EOF
cat >src/main.rs <<'EOF'
pub async fn tick() {
    std::thread::sleep(std::time::Duration::from_millis(10));
}

fn main() {}
EOF
echo "# sample" >README.md
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $HOOK_REPO
    rev: $REV
    hooks:
      - id: rust-async-skill
EOF
git add -A && git commit -qm "sample" || die "commit the sample repository"

# 1. The blocking call is found: the hook (and the run) fails, naming the rule.
start=$SECONDS
out=$(python3 -m pre_commit run --all-files 2>&1)
rc=$?
echo "# first run (hook install + check): $((SECONDS - start)) s"
if [ "$rc" -ne 0 ] && grep -q 'blocking-sleep' <<<"$out" && grep -q 'src/main.rs' <<<"$out"; then
    ok "pre-commit run --all-files fails with blocking-sleep in src/main.rs"
else
    not_ok "pre-commit run --all-files should fail with blocking-sleep (exit $rc)"
    sed 's/^/    /' <<<"$out" | tail -40
    # The hook was not installed or did not run: nothing below can be meaningful.
    grep -q 'blocking-sleep' <<<"$out" || finish
fi

# 2. A staged change to a non-.rs file does not run the hook (it would fail:
# src/main.rs still has the finding).
echo "more" >>README.md
git add README.md
out=$(python3 -m pre_commit run 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && grep -q 'rust-async-skill check.*no files to check.*Skipped' <<<"$out" &&
    ! grep -q 'blocking-sleep' <<<"$out"; then
    ok "a staged README.md change skips the hook"
else
    not_ok "a staged README.md change should skip the hook (exit $rc)"
    sed 's/^/    /' <<<"$out" | tail -20
fi
git commit -qm "readme" || die "commit README.md"

# 3. The suppression comment, on the line it ends, makes the same run pass.
sed -i 's|^\(    std::thread::sleep(.*;\)$|\1 // rust-async-skill: allow(blocking-sleep) a test clock|' src/main.rs
grep -q 'allow(blocking-sleep)' src/main.rs || die "write the suppression comment"
git add src/main.rs
out=$(python3 -m pre_commit run --all-files 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && grep -q 'rust-async-skill check.*Passed' <<<"$out"; then
    ok "with // rust-async-skill: allow(blocking-sleep) the run passes"
else
    not_ok "with the suppression the run should pass (exit $rc)"
    sed 's/^/    /' <<<"$out" | tail -20
fi

# 4. Staged .rs files alone (what `git commit` runs): a new blocking call fails.
printf 'pub async fn slow() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n' >src/lib.rs
git add src/lib.rs
out=$(python3 -m pre_commit run 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'blocking-sleep' <<<"$out" && grep -q 'src/lib.rs' <<<"$out"; then
    ok "a staged src/lib.rs with a blocking call fails the staged-files run"
else
    not_ok "a staged src/lib.rs with a blocking call should fail (exit $rc)"
    sed 's/^/    /' <<<"$out" | tail -20
fi
finish
