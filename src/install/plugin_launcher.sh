#!/bin/sh
# rust-async-skill launcher of the Claude Code plugin (written by
# `rust-async-skill bundle --plugin`; its source is src/install/plugin_launcher.sh).
#
# Runs the installed rust-async-skill binary with this script's arguments:
# $RUST_ASYNC_SKILL_BIN when it names an executable, else the first
# rust-async-skill on PATH, else ${CARGO_HOME:-~/.cargo}/bin/rust-async-skill.
# With none, it prints one line on stderr saying how to install it; run as the
# after-edit hook (`hook ...`) it then exits 0, so the agent's turn goes on and
# the agent sees nothing.

name=rust-async-skill
found=

if [ -n "${RUST_ASYNC_SKILL_BIN:-}" ] && [ -f "$RUST_ASYNC_SKILL_BIN" ] && [ -x "$RUST_ASYNC_SKILL_BIN" ]; then
    found=$RUST_ASYNC_SKILL_BIN
else
    # Split PATH on ':' only (no globbing); empty entries (the current
    # folder) are skipped: a hook must not run a binary the project ships.
    set -f
    old_ifs=$IFS
    IFS=:
    for dir in ${PATH:-}; do
        if [ -n "$dir" ] && [ -f "$dir/$name" ] && [ -x "$dir/$name" ]; then
            found=$dir/$name
            break
        fi
    done
    IFS=$old_ifs
    set +f
    if [ -z "$found" ]; then
        cargo_bin=${CARGO_HOME:-${HOME:-}/.cargo}/bin/$name
        if [ -f "$cargo_bin" ] && [ -x "$cargo_bin" ]; then
            found=$cargo_bin
        fi
    fi
fi

if [ -z "$found" ]; then
    echo "rust-async-skill: the rust-async-skill binary is not installed (not on PATH, not in ~/.cargo/bin): install it with \`cargo install rust-async-skill\`, then restart Claude Code" >&2
    if [ "${1:-}" = hook ]; then
        # Read the payload so the client never sees a broken pipe.
        [ -t 0 ] || cat >/dev/null 2>&1
        exit 0
    fi
    exit 1
fi

if [ "${1:-}" = hook ]; then
    "$found" "$@"
    status=$?
    # Exit 2 from a PostToolUse hook blocks the agent in Claude Code; the hook
    # never means that (it answers in JSON), so an old binary without `hook`
    # (clap's usage error is 2) must not block either.
    if [ "$status" -eq 2 ]; then
        exit 1
    fi
    exit "$status"
fi
exec "$found" "$@"
