#!/usr/bin/env bash
# Runs every test of the project, in the order that fails fastest:
#   1. format check;
#   2. cargo test --workspace: unit and integration tests, and the skill's
#      code blocks compiled as doctests (skill-examples);
#   3. the official Python MCP SDK driving the server (tests/python);
#   4. the install paths with the real tools (npx skills, skills-ref, claude);
#   5. the GitHub Actions workflows (actionlint, action-validator);
#   6. slow: the release artifacts of scripts/dist.sh, tested as users run
#      them, and `cargo package` + `cargo install` from the packaged crate.
# Installs the Python packages it needs (tests/python/requirements.txt) if
# they are missing; the npm tools are cached under target/install-tools/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n=== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo test --workspace"
cargo test --workspace --locked

step "Python MCP SDK"
if ! python3 -c 'import mcp, pytest' 2>/dev/null; then
    python3 -m pip install -q -r tests/python/requirements.txt
fi
RUST_ASYNC_SKILL_BIN=target/debug/rust-async-skill python3 -m pytest -q tests/python

step "install paths with the real tools"
bash scripts/test-install-tools.sh
step "MCP protocol tools (Inspector CLI, conformance suite)"; bash scripts/test-protocol-tools.sh

step "GitHub Actions workflows (actionlint, action-validator)"
bash scripts/lint-actions.sh .github/workflows/*.yml

step "slow: release artifacts (scripts/dist.sh, npm, mcpb, server.json, cargo package/install)"
bash scripts/test-dist.sh
