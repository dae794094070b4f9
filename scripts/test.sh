#!/usr/bin/env bash
# Runs every test of the project, in the order that fails fastest:
#   1. format check;
#   2. cargo test --workspace without the slow tests: unit tests, the
#      integration tests (tests/it), and the skill's code blocks compiled as
#      doctests (skill-examples);
#   3. the slow end-to-end tests (tests/it/slow: fixed programs built as a
#      scratch crate, 10,000-call memory runs, a short HTTP load);
#   4. the official Python MCP SDK driving the server (tests/python);
#   5. the install paths with the real tools (npx skills, skills-ref, claude);
#   6. the GitHub Actions workflows (actionlint, action-validator);
#   7. slow: the release artifacts of scripts/dist.sh, tested as users run
#      them, and `cargo package` + `cargo install` from the packaged crate;
#   8. slow: .pre-commit-hooks.yaml with the real pre-commit on a sample
#      repository (its first run `cargo install`s the hook, 3.5 to 5 min cold).
# (`cargo test --workspace` alone runs steps 2 and 3 together.)
# Installs the Python packages it needs (tests/python/requirements.txt) if
# they are missing; the npm tools are cached under target/install-tools/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n=== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo test --workspace (without tests/it/slow)"
cargo test --workspace --locked -- --skip slow::

step "slow end-to-end tests (tests/it/slow)"
cargo test --locked --test it slow::

step "Python MCP SDK"
if ! python3 -c 'import mcp, pytest' 2>/dev/null; then
    python3 -m pip install -q -r tests/python/requirements.txt
fi
RUST_ASYNC_SKILL_BIN=target/debug/rust-async-skill python3 -m pytest -q tests/python

step "install paths with the real tools"
bash scripts/test-install-tools.sh
step "MCP protocol tools (Inspector CLI, conformance suite)"; bash scripts/test-protocol-tools.sh

step "CI entries: action.yml, the README's workflow, .pre-commit-hooks.yaml"
bash scripts/test-ci-entries.sh

step "GitHub Actions workflows (actionlint, action-validator)"
bash scripts/lint-actions.sh .github/workflows/*.yml

step "slow: release artifacts (scripts/dist.sh, npm, mcpb, server.json, cargo package/install)"
bash scripts/test-dist.sh

step "slow: pre-commit hook with the real pre-commit (scripts/test-pre-commit.sh)"
bash scripts/test-pre-commit.sh
