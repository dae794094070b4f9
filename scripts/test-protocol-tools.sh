#!/usr/bin/env bash
# Tests the MCP server with the official protocol tools, the way clients see it:
#   (a) the MCP Inspector CLI (npm @modelcontextprotocol/inspector 2.x, Node
#       >= 22.19) drives every tool, resource, template, prompt and the Skills
#       extension (skills/list --verify, skills/get) over stdio and over
#       streamable HTTP, on the newest protocol (--protocol-era modern:
#       2026-07-28, server/discover) and with the initialize handshake
#       (--protocol-era legacy); and a bearer-token server;
#   (b) the conformance suite (npm @modelcontextprotocol/conformance, Node 22)
#       against `serve --http`: every scenario not tied to the reference
#       server's fixtures passes; the others are listed with their reasons in
#       tests/conformance-expected-failures.yml.
#
# Run after `cargo build` (it uses target/debug/rust-async-skill; set
# RUST_ASYNC_SKILL_BIN to test another binary). Needs npm and a registry to
# install the tools once; they are cached in target/protocol-tools/
# (PROTOCOL_TOOLS_CACHE to move it), so reruns make no network request.
# Servers listen on 127.0.0.1 only. Exits non-zero when any check fails; the
# last line is "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${RUST_ASYNC_SKILL_BIN:-$ROOT/target/debug/rust-async-skill}
CACHE=${PROTOCOL_TOOLS_CACHE:-$ROOT/target/protocol-tools}
NODE_VERSION=22.23.3 # the Inspector needs Node >= 22.19, the conformance suite 22
INSPECTOR_VERSION=2.12.0
CONFORMANCE_VERSION=0.1.16
EXPECTED_FAILURES=$ROOT/tests/conformance-expected-failures.yml

passed=0
failed=0
ok() { echo "ok   - $*"; passed=$((passed + 1)); }
not_ok() { echo "FAIL - $*"; failed=$((failed + 1)); }
finish() {
    echo
    echo "protocol-tools: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}
die() {
    not_ok "$*"
    finish
}

[ -x "$BIN" ] || die "no binary at $BIN: run \`cargo build\` first"
BIN=$(cd "$(dirname "$BIN")" && pwd -P)/$(basename "$BIN")

# --- the tools, installed once into $CACHE ------------------------------
# shellcheck source=scripts/lib/npm-tools.sh
. "$ROOT/scripts/lib/npm-tools.sh"
use_node22
use_npm_tools "@modelcontextprotocol/inspector@$INSPECTOR_VERSION @modelcontextprotocol/conformance@$CONFORMANCE_VERSION" inspector conformance
echo "# node $(node --version), inspector $INSPECTOR_VERSION, conformance $CONFORMANCE_VERSION"
echo "# binary: $BIN"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/protocol-tools.XXXXXX")
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
# The Inspector keeps a catalog and client config under HOME: keep them here.
export HOME="$WORK/home" MCP_CATALOG_PATH="$WORK/home/mcp.json" MCP_CLIENT_CONFIG_PATH="$WORK/home/client.json" \
    DO_NOT_TRACK=1 NO_COLOR=1
mkdir -p "$HOME"
unset RUST_ASYNC_SKILL_TOKEN
LOG="$WORK/log"
show_log() { sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/^/    | /' "$LOG" | head -${1:-15}; }

# start_http NAME [ARGS...]: starts `serve --http 127.0.0.1:0 ARGS`, sets URL.
start_http() {
    local name=$1
    shift
    "$BIN" serve --http 127.0.0.1:0 "$@" 2>"$WORK/$name.err" &
    PIDS+=($!)
    URL=
    for _ in $(seq 100); do
        URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*/mcp' "$WORK/$name.err" | head -1)
        [ -n "$URL" ] && return 0
        sleep 0.1
    done
    cat "$WORK/$name.err"
    return 1
}

start_http plain || die "serve --http did not start"
PLAIN_URL=$URL
start_http token --token protocol-tools-token || die "serve --http --token did not start"
TOKEN_URL=$URL
echo "# servers: $PLAIN_URL, $TOKEN_URL (token)"

# inspect TARGET ERA ARGS...: runs the Inspector CLI, JSON to $LOG.
inspect() {
    local target=$1 era=$2
    shift 2
    local where
    case $target in
        stdio) where=("$BIN" serve) ;;
        http) where=(--server-url "$PLAIN_URL" --transport http) ;;
    esac
    timeout 120 inspector --cli --format json -q --protocol-era "$era" "${where[@]}" "$@" >"$LOG" 2>&1
}
# expect DESCRIPTION NEEDLE TARGET ERA ARGS...: the call succeeds and its output has NEEDLE.
expect() {
    local what=$1 needle=$2
    shift 2
    if inspect "$@" && grep -Fq -- "$needle" "$LOG"; then
        ok "$what"
    else
        show_log
        not_ok "$what"
    fi
}

CODE='async fn tick() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n'
echo
echo "# (a) MCP Inspector CLI $INSPECTOR_VERSION"
for target in stdio http; do
    for era in modern legacy; do
        t="$target/$era"
        expect "$t tools/list: explain_concept, diagnose_snippet" '"diagnose_snippet"' $target $era --method tools/list
        grep -q '"explain_concept"' "$LOG" || not_ok "$t tools/list lacks explain_concept"
        has_fix=$(grep -c '"suggest_fix"' "$LOG")
        expect "$t tools/call explain_concept" '"concept":"waker"' $target $era \
            --method tools/call --tool-name explain_concept --tool-arg query=Waker
        # The Inspector exits non-zero (tool_is_error) on a tool error, as it should.
        inspect $target $era --method tools/call --tool-name explain_concept --tool-args-json '{"query": 7}'
        if grep -q '"isError":true' "$LOG" && grep -q 'argument `query`: invalid type: integer `7`, expected a string' "$LOG"; then
            ok "$t tools/call explain_concept with a bad argument is a tool error naming the field"
        else
            show_log
            not_ok "$t tools/call explain_concept with a bad argument"
        fi
        expect "$t tools/call diagnose_snippet" '"rule":"blocking-sleep"' $target $era \
            --method tools/call --tool-name diagnose_snippet --tool-args-json "{\"code\": \"$CODE\"}"
        if [ "$has_fix" -gt 0 ]; then
            expect "$t tools/call suggest_fix" '"content"' $target $era \
                --method tools/call --tool-name suggest_fix --tool-args-json "{\"code\": \"$CODE\"}"
        fi
        expect "$t resources/list" 'skill://rust-async-internals/SKILL.md' $target $era --method resources/list
        expect "$t resources/read SKILL.md" 'name: rust-async-internals' $target $era \
            --method resources/read --uri skill://rust-async-internals/SKILL.md
        expect "$t resources/read a section" 'Waker' $target $era \
            --method resources/read --uri rust-async://sections/waker.overview
        expect "$t resources/read a rule" 'What it does' $target $era \
            --method resources/read --uri rust-async://rules/blocking-sleep
        expect "$t resources/templates/list" 'rust-async://rules/{id}' $target $era --method resources/templates/list
        expect "$t prompts/list" '"review_async_code"' $target $era --method prompts/list
        expect "$t prompts/get explain" 'waker leaks' $target $era \
            --method prompts/get --prompt-name explain --prompt-args "topic=waker leaks"
        expect "$t prompts/get review_async_code" 'blocking-sleep' $target $era \
            --method prompts/get --prompt-name review_async_code \
            --prompt-args "code=async fn f() { std::thread::sleep(std::time::Duration::from_secs(1)); }"
        if inspect $target $era --method skills/list --verify && grep -q '"status":"verified"' "$LOG" &&
            ! grep -Eq '"status":"(mismatch|failed|error)"' "$LOG"; then
            ok "$t skills/list --verify: every digest verified"
        else
            show_log
            not_ok "$t skills/list --verify"
        fi
        expect "$t skills/get" '"skill://rust-async-internals/SKILL.md"' $target $era \
            --method skills/get --uri skill://rust-async-internals/SKILL.md
    done
done
# A bearer-token server: the Inspector gets in with the header, not without.
for era in modern legacy; do
    if timeout 60 inspector --cli --format json -q --protocol-era $era --server-url "$TOKEN_URL" --transport http \
        --header "Authorization: Bearer protocol-tools-token" --method tools/call --tool-name explain_concept \
        --tool-arg query=Pin >"$LOG" 2>&1 && grep -q '"concept":"pin-unpin"' "$LOG"; then
        ok "http/$era with --header Authorization: Bearer: tools/call"
    else
        show_log
        not_ok "http/$era with a bearer token"
    fi
    if timeout 60 inspector --cli --format json -q --protocol-era $era --server-url "$TOKEN_URL" --transport http \
        --stored-auth-only --method tools/list >"$LOG" 2>&1; then
        show_log
        not_ok "http/$era without the token is refused"
    else
        ok "http/$era without the token is refused"
    fi
done

echo
echo "# (b) conformance suite $CONFORMANCE_VERSION against serve --http (--suite all)"
(cd "$WORK" && timeout 900 conformance server --url "$PLAIN_URL" --suite all \
    --expected-failures "$EXPECTED_FAILURES" -o "$WORK/conformance") >"$LOG" 2>&1
rc=$?
cp "$LOG" "$CACHE/conformance-last.log"
PLAIN="$WORK/conformance.txt" # without colours; grep files, not pipes (pipefail + grep -q)
sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$LOG" >"$PLAIN"
sed -n '/=== SUMMARY ===/,$p' "$PLAIN" | sed -e 's/^/    | /'
total=$(grep -E '^Total: ' "$PLAIN" | tail -1)
echo "# conformance: ${total:-no total line}"
if [ $rc -eq 0 ]; then
    ok "conformance: every scenario passes except the expected failures ($(grep -c '^  - ' "$EXPECTED_FAILURES") listed)"
else
    grep -iE 'unexpected|stale|now pass' "$PLAIN" | sed 's/^/    | /' | head -20
    not_ok "conformance (exit $rc): see above"
fi
for s in server-initialize ping completion-complete tools-list resources-list prompts-list \
    server-sse-polling server-sse-multiple-streams dns-rebinding-protection; do
    if grep -Eq "^✓ $s: [0-9]+ passed, 0 failed" "$PLAIN"; then
        ok "conformance $s"
    else
        not_ok "conformance $s"
    fi
done

# The servers stop cleanly on SIGTERM.
for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null
    if timeout 10 tail --pid="$pid" -f /dev/null && wait "$pid"; then
        ok "server $pid exits 0 on SIGTERM"
    else
        not_ok "server $pid did not exit cleanly on SIGTERM"
    fi
done
PIDS=()
finish
