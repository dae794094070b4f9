#!/usr/bin/env bash
# Tests the install paths with the real tools, the way users run them:
#   (a) the Agent Skills reference validator (`npx skills-ref validate`) on the
#       repository's root skill, on the bundle, and on an installed copy;
#   (b) the `skills` CLI (`npx skills add`, npm `skills`, Node 22) from a clean
#       copy of the repository and from the bundle, checking where files land;
#   (c) Claude Code's own CLI (`claude mcp list` / `get`, no login) after
#       `rust-async-skill install claude-code`: the server must be Connected;
#   (d) the repository as a Claude Code plugin marketplace: `claude plugin
#       validate`, `marketplace add` of a clean copy, `plugin install`,
#       `plugin details`, `mcp list` (Connected), the size and contents of
#       what was installed, the launcher without a binary, and the installed
#       hook run on a recorded payload;
#   (e) Codex (npm @openai/codex, no login) after `install codex`:
#       `codex mcp list` / `get`, and the skill and tools in the prompt that
#       `codex debug prompt-input` renders;
#   (f) `npx skills add` on the path of the plugin's skill folder (only the
#       skill), and skillsauth on the repository when SKILLSAUTH names a
#       build of it (`node dist/index.js`; it is not on the npm registry).
#
# Run after `cargo build` (it uses target/debug/rust-async-skill; set
# RUST_ASYNC_SKILL_BIN to test another binary). Needs git, npm and a
# registry to install the tools once; they are cached in target/install-tools/
# (INSTALL_TOOLS_CACHE to move it), so reruns make no network request.
# Exits non-zero when any check fails; the last line is "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${RUST_ASYNC_SKILL_BIN:-$ROOT/target/debug/rust-async-skill}
CACHE=${INSTALL_TOOLS_CACHE:-$ROOT/target/install-tools}
NODE_VERSION=22.23.3        # `skills` needs Node >= 22.20
SKILLS_VERSION=1.7.4
SKILLS_REF_VERSION=0.1.5
CLAUDE_VERSION=2.1.332
CODEX_VERSION=0.171.0
SKILL=rust-async-internals
SERVER=rust-async-skill

passed=0
failed=0
ok() { echo "ok   - $*"; passed=$((passed + 1)); }
not_ok() { echo "FAIL - $*"; failed=$((failed + 1)); }
# check DESCRIPTION COMMAND...: runs the command, counts the result.
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
    echo
    echo "install-tools: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}
die() {
    not_ok "$*"
    finish
}

[ -x "$BIN" ] || die "no binary at $BIN: run \`cargo build\` first"
BIN=$(cd "$(dirname "$BIN")" && pwd -P)/$(basename "$BIN")

# --- the tools, installed once into $CACHE --------------------------------
# shellcheck source=scripts/lib/npm-tools.sh
. "$ROOT/scripts/lib/npm-tools.sh"
use_node22
use_npm_tools "skills@$SKILLS_VERSION skills-ref@$SKILLS_REF_VERSION @anthropic-ai/claude-code@$CLAUDE_VERSION @openai/codex@$CODEX_VERSION" claude codex
echo "# node $(node --version), skills $SKILLS_VERSION, skills-ref $SKILLS_REF_VERSION, claude $(claude --version 2>/dev/null | head -1), codex $CODEX_VERSION"
echo "# binary: $BIN"

# No telemetry, no update checks, no model calls.
export DISABLE_TELEMETRY=1 DO_NOT_TRACK=1 DISABLE_AUTOUPDATER=1 NO_COLOR=1 \
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_ERROR_REPORTING=1
unset CLAUDE_CONFIG_DIR ANTHROPIC_API_KEY

WORK=$(mktemp -d "${TMPDIR:-/tmp}/install-tools.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
LOG="$WORK/log"

# Runs a tool with HOME=$1 in directory $2, output to $LOG; echoes nothing.
in_sandbox() {
    local home=$1 dir=$2
    shift 2
    mkdir -p "$home" "$dir"
    (cd "$dir" && HOME="$home" timeout 180 "$@") >"$LOG" 2>&1
}
# Prints the last tool output, without colours and banners.
show_log() { sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e '/[█╗╔╚═║]/d' -e 's/^/    | /' "$LOG"; }

# Files of a skill folder, relative, sorted (following symlinks).
files_of() { (cd "$1" && find -L . -type f ! -name '.rust-async-skill.manifest' | sed 's|^\./||' | sort); }
# The files the skill is made of: SKILL.md and everything under skill/.
expected_files() { (cd "$REPO" && { echo SKILL.md; find skill -type f ! -name '.*'; } | sort); }
same_files() {
    local got
    got=$(files_of "$1") || return 1
    if [ "$got" != "$(expected_files)" ]; then
        echo "    files in $1:"
        echo "$got" | sed 's/^/    | /' | head -20
        return 1
    fi
    cmp -s "$1/SKILL.md" "$REPO/SKILL.md"
}

# --- a clean copy of the repository (what a clone has), and the bundle -----
REPO="$WORK/$SKILL" # named after the skill: the spec wants name == folder
mkdir -p "$REPO"
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Tracked and new files, not ignored ones (no target/): the work tree as
    # the next commit would have it, which in CI is the clean clone itself.
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
        xargs -0 cp --parents -t "$REPO")
else
    (cd "$ROOT" && tar --exclude=./target --exclude=./.git -cf - .) | (cd "$REPO" && tar -xf -)
fi
echo "# repository copy: $(cd "$REPO" && find . -type f | wc -l) files in $REPO"
BUNDLE="$WORK/bundle"
"$BIN" bundle "$BUNDLE" >"$LOG" 2>&1 || { show_log; die "rust-async-skill bundle"; }
echo
echo "# (a) Agent Skills reference validator: skills-ref $SKILLS_REF_VERSION"
validate() {
    skills-ref validate "$1" >"$LOG" 2>&1
    local rc=$?
    show_log
    [ $rc -eq 0 ] && grep -q "Valid skill" "$LOG"
}
check "skills-ref validate on the repository root (SKILL.md at the root)" validate "$REPO"
check "skills-ref validate on the bundle skills/$SKILL" validate "$BUNDLE/skills/$SKILL"
in_sandbox "$WORK/home-a" "$WORK/proj-a" "$BIN" install claude-code --scope user || show_log
check "skills-ref validate on the copy that \`install claude-code\` wrote" validate "$WORK/home-a/.claude/skills/$SKILL"

echo
echo "# (b) skills add (npm skills $SKILLS_VERSION)"
skills_add() { # HOME PROJECT SOURCE [FLAGS...]
    local home=$1 proj=$2 src=$3
    shift 3
    echo "    \$ skills add ${src#"$WORK"/} --skill $SKILL -a claude-code -a cursor -a windsurf -y $*"
    in_sandbox "$home" "$proj" skills add "$src" --skill "$SKILL" -a claude-code -a cursor -a windsurf -y "$@" || return 1
    sed -n '/Installed/,$p' "$LOG" | grep -E '✓|universal|symlink' | sed -e 's/[│ ]*$//' -e 's/^[│ ]*/    | /'
}
# Where the files land (verified with skills 1.7.4): the real folder in
# .agents/skills/ (Cursor's project folder), symlinks for Claude Code and
# Windsurf; with -g the same under $HOME, Windsurf in ~/.codeium/windsurf.
landed() { # BASE (project dir, or HOME with -g) WINDSURF-DIR
    local base=$1 windsurf=$2 good=0
    for d in "$base/.agents/skills/$SKILL" "$base/.claude/skills/$SKILL" "$windsurf/$SKILL"; do
        if [ -f "$d/SKILL.md" ] && [ -d "$d/skill/references" ]; then
            echo "    landed: ${d#"$WORK"/}$( [ -L "$d" ] && echo " -> $(readlink "$d")")"
        else
            echo "    missing: ${d#"$WORK"/}"
            good=1
        fi
    done
    return $good
}

if skills_add "$WORK/home-b1" "$WORK/proj-b1" "$REPO"; then
    check "skills add <repository copy>: .agents/skills, .claude/skills, .windsurf/skills" \
        landed "$WORK/proj-b1" "$WORK/proj-b1/.windsurf/skills"
    check "skills add <repository copy>: SKILL.md and skill/references/ as in the repository" \
        cmp -s "$WORK/proj-b1/.agents/skills/$SKILL/SKILL.md" "$REPO/SKILL.md"
    extra=$(cd "$WORK/proj-b1/.agents/skills/$SKILL" && ls -A | grep -v -x -e SKILL.md -e skill | tr '\n' ' ')
    [ -n "$extra" ] && echo "    note: with a root SKILL.md, skills copies the whole repository into the skill folder: $extra"
else
    show_log
    not_ok "skills add <repository copy>"
fi

if skills_add "$WORK/home-b2" "$WORK/proj-b2" "$BUNDLE"; then
    check "skills add <bundle>: .agents/skills, .claude/skills, .windsurf/skills" \
        landed "$WORK/proj-b2" "$WORK/proj-b2/.windsurf/skills"
    check "skills add <bundle>: exactly SKILL.md and skill/ (no source, no build files)" \
        same_files "$WORK/proj-b2/.agents/skills/$SKILL"
else
    show_log
    not_ok "skills add <bundle>"
fi

in_sandbox "$WORK/home-b2" "$WORK/proj-b2" skills remove "$SKILL" -y
check "skills remove $SKILL takes it out of all three folders" \
    bash -c "! ls -d '$WORK/proj-b2/.agents/skills/$SKILL' '$WORK/proj-b2/.claude/skills/$SKILL' '$WORK/proj-b2/.windsurf/skills/$SKILL' 2>/dev/null | grep -q ."

if skills_add "$WORK/home-b3" "$WORK/proj-b3" "$BUNDLE" -g; then
    check "skills add -g <bundle>: ~/.agents/skills, ~/.claude/skills, ~/.codeium/windsurf/skills" \
        landed "$WORK/home-b3" "$WORK/home-b3/.codeium/windsurf/skills"
else
    show_log
    not_ok "skills add -g <bundle>"
fi

# `install` after `skills add`: the symlinked folder is left to its owner.
in_sandbox "$WORK/home-b3" "$WORK/proj-b3" "$BIN" install claude-code
check "rust-async-skill install after skills add -g leaves the symlinked skill alone" \
    grep -q "symlink" "$LOG"

echo
echo "# (c) Claude Code $CLAUDE_VERSION: claude mcp list / get (HOME is a temporary folder, no login)"
H="$WORK/home-c"
P="$WORK/proj-c"
in_sandbox "$H" "$P" "$BIN" install claude-code --scope user
rc=$?
show_log
check "rust-async-skill install claude-code --scope user" test $rc -eq 0
# `claude mcp list` starts each server and health-checks it; its exit code is
# 0 even when a server fails, so the output is what counts.
in_sandbox "$H" "$P" claude mcp list
show_log
check "claude mcp list: $SERVER ... Connected" grep -Eq "^$SERVER: .*Connected" "$LOG"
check "claude mcp list runs the installed binary with serve" grep -Fq "$BIN serve" "$LOG"
in_sandbox "$H" "$P" claude mcp get "$SERVER"
show_log
check "claude mcp get: user scope, stdio, our binary" \
    bash -c "grep -q 'User config' '$LOG' && grep -qi 'stdio' '$LOG' && grep -Fq '$BIN' '$LOG'"
# A second install changes nothing; uninstall makes Claude Code forget it.
in_sandbox "$H" "$P" "$BIN" install claude-code --scope user
check "a second install changes nothing" grep -q "nothing changed" "$LOG"
in_sandbox "$H" "$P" "$BIN" uninstall claude-code --scope user
in_sandbox "$H" "$P" claude mcp list
show_log
check "after uninstall, claude mcp list no longer has $SERVER" bash -c "! grep -q '^$SERVER:' '$LOG'"
check "after uninstall, the skill folder is gone" test ! -e "$H/.claude/skills/$SKILL"
# The entry written by Claude Code itself and ours are the same JSON.
in_sandbox "$WORK/home-c2" "$P" claude mcp add -s user "$SERVER" -- "$BIN" serve
in_sandbox "$WORK/home-c2" "$P" "$BIN" install claude-code --scope user --dry-run
check "install after \`claude mcp add\` finds the same entry (no config change)" \
    grep -q "claude.json: no change" "$LOG"
# Project scope: .mcp.json, which Claude Code reads (servers there wait for approval).
in_sandbox "$H" "$P" "$BIN" install claude-code --scope project
in_sandbox "$H" "$P" claude mcp get "$SERVER"
show_log
check "claude mcp get reads our .mcp.json (project scope)" grep -q "Project config" "$LOG"


echo
echo "# (d) the repository as a Claude Code plugin marketplace (claude $CLAUDE_VERSION)"
H="$WORK/home-d"
P="$WORK/proj-d"
MARKET=rust-async-skill
PLUGIN=rust-async-skill@$MARKET
in_sandbox "$H" "$P" claude plugin validate "$REPO"
show_log
check "claude plugin validate <repository>: the marketplace passes" grep -q "Validation passed" "$LOG"
in_sandbox "$H" "$P" claude plugin validate --strict "$REPO/plugin"
show_log
check "claude plugin validate --strict plugin/: the plugin passes" grep -q "Validation passed" "$LOG"
in_sandbox "$H" "$P" claude plugin marketplace add "$REPO"
show_log
check "claude plugin marketplace add <repository copy>" grep -q "Successfully added marketplace: $MARKET" "$LOG"
in_sandbox "$H" "$P" claude plugin install "$PLUGIN"
show_log
check "claude plugin install $PLUGIN" grep -q "Successfully installed plugin: $PLUGIN" "$LOG"
in_sandbox "$H" "$P" claude plugin details "$PLUGIN"
show_log
check "claude plugin details: one skill, rust-async-internals" grep -Eq "Skills \(1\) +rust-async-internals" "$LOG"
check "claude plugin details: the PostToolUse hook" grep -Eq "Hooks \(1\) +PostToolUse" "$LOG"
check "claude plugin details: the MCP server" grep -Eq "MCP servers \(1\) +rust-async-skill" "$LOG"
in_sandbox "$H" "$P" claude plugin list --json
INSTALLED=$(node -e 'const l = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const p = l.find((x) => x.id === process.argv[2]); console.log(p ? p.installPath : "")' "$LOG" "$PLUGIN" 2>/dev/null)
echo "    installPath: ${INSTALLED#"$WORK"/}"
small_and_clean() {
    local kib
    kib=$(du -sk "$1" | cut -f1)
    echo "    installed plugin: $kib KiB, $(find "$1" -type f | wc -l) files"
    [ "$kib" -lt 5120 ] && [ -f "$1/skills/$SKILL/SKILL.md" ] &&
        ! find "$1" \( -name src -o -name tests -o -name target -o -name Cargo.toml \) | grep -q .
}
check "the installed plugin is under 5 MiB, with the skill and no src/, tests/, target/" small_and_clean "$INSTALLED"
check "the installed skill is the repository's SKILL.md" cmp -s "$INSTALLED/skills/$SKILL/SKILL.md" "$REPO/SKILL.md"
# The plugin's server runs the binary it finds on PATH (what `cargo install` gives).
BIN_DIR=$(dirname "$BIN")
HOOK_BIN="$WORK/path-bin"
mkdir -p "$HOOK_BIN"
ln -sf "$BIN" "$HOOK_BIN/rust-async-skill"
in_sandbox "$H" "$P" env PATH="$HOOK_BIN:$PATH" claude mcp list
show_log
check "claude mcp list: plugin:rust-async-skill:rust-async-skill ... Connected" \
    grep -Eq "^plugin:rust-async-skill:$SERVER: .*Connected" "$LOG"
# No binary anywhere: one line on how to install it; the hook stays silent.
LAUNCHER="$INSTALLED/bin/rust-async-skill-launcher"
no_binary() { # ARGS...: runs the launcher with no binary to find
    printf '{}' | env -i HOME="$WORK/home-empty" PATH=/usr/bin:/bin /bin/sh "$LAUNCHER" "$@" >"$WORK/out" 2>"$WORK/err"
}
no_binary serve
rc=$?
check "launcher without a binary, serve: exit 1 and one line naming cargo install" \
    bash -c "[ $rc -eq 1 ] && [ \$(wc -l <'$WORK/err') -eq 1 ] && grep -q 'cargo install rust-async-skill' '$WORK/err' && [ ! -s '$WORK/out' ]"
no_binary hook claude-code
rc=$?
check "launcher without a binary, hook: exit 0, nothing on stdout, the line on stderr" \
    bash -c "[ $rc -eq 0 ] && [ ! -s '$WORK/out' ] && grep -q 'cargo install rust-async-skill' '$WORK/err'"
mkdir -p "$WORK/home-cargo/.cargo/bin"
ln -sf "$BIN" "$WORK/home-cargo/.cargo/bin/rust-async-skill"
env -i HOME="$WORK/home-cargo" PATH=/usr/bin:/bin /bin/sh "$LAUNCHER" --version >"$WORK/out" 2>&1
check "launcher finds ~/.cargo/bin/rust-async-skill when PATH has none" grep -q "^rust-async-skill " "$WORK/out"
# The installed hook, as Claude Code runs it, on a recorded PostToolUse payload.
mkdir -p "$P/src"
printf 'async fn handler() {\n    std::thread::sleep(std::time::Duration::from_millis(10));\n}\n' >"$P/src/lib.rs"
node -e 'const fs = require("fs"); const f = process.argv[1]; process.stdout.write(JSON.stringify({session_id: "s1", transcript_path: "/dev/null", cwd: process.argv[2], hook_event_name: "PostToolUse", tool_name: "Write", tool_input: {file_path: f, content: fs.readFileSync(f, "utf8")}, tool_response: {filePath: f, success: true}}))' "$P/src/lib.rs" "$P" >"$WORK/payload.json"
HOOK_CMD=$(node -e 'const h = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(h.hooks.PostToolUse[0].hooks[0].command)' "$INSTALLED/hooks/hooks.json")
(cd "$P" && CLAUDE_PLUGIN_ROOT="$INSTALLED" PATH="$HOOK_BIN:$PATH" HOME="$H" timeout 30 sh -c "$HOOK_CMD" <"$WORK/payload.json" >"$WORK/out" 2>"$WORK/err")
rc=$?
sed 's/^/    | /' "$WORK/out" "$WORK/err" | head -12
check "the installed hook on a recorded Write payload reports blocking-sleep" \
    bash -c "[ $rc -eq 0 ] && grep -q 'blocking-sleep' '$WORK/out'"

echo
echo "# (e) Codex $CODEX_VERSION: codex mcp list / get, the prompt it renders (HOME is a temporary folder, no login)"
H="$WORK/home-e"
P="$WORK/proj-e"
in_sandbox "$H" "$P" "$BIN" install codex
rc=$?
show_log
check "rust-async-skill install codex" test $rc -eq 0
check "install codex wrote [mcp_servers.rust-async-skill] and the skill into ~/.agents/skills" \
    bash -c "grep -q '^\[mcp_servers.rust-async-skill\]' '$H/.codex/config.toml' && [ -f '$H/.agents/skills/$SKILL/SKILL.md' ]"
in_sandbox "$H" "$P" codex mcp list
show_log
check "codex mcp list: $SERVER, our binary, serve, enabled" grep -Eq "^$SERVER +$BIN +serve .*enabled" "$LOG"
in_sandbox "$H" "$P" codex mcp get "$SERVER"
check "codex mcp get: stdio transport" grep -q "transport: stdio" "$LOG"
in_sandbox "$H" "$P" codex debug prompt-input "hello"
check "codex loads the skill from ~/.agents/skills (codex debug prompt-input)" grep -q "rust-async-internals: Rust async internals" "$LOG"
check "codex lists our MCP tools in the prompt (it started the server)" grep -q "diagnose_snippet" "$LOG"
# Entries written by `codex mcp add` and by us are the same TOML.
in_sandbox "$WORK/home-e2" "$P" codex mcp add "$SERVER" -- "$BIN" serve
in_sandbox "$WORK/home-e2" "$P" "$BIN" install codex --dry-run
check "install after \`codex mcp add\` finds the same entry (no config change)" grep -q "config.toml: no change" "$LOG"
in_sandbox "$H" "$P" "$BIN" uninstall codex
in_sandbox "$H" "$P" codex mcp list
show_log
check "after uninstall codex, codex mcp list no longer has $SERVER" bash -c "! grep -q '^$SERVER ' '$LOG'"
check "after uninstall codex, the config, hook file and skill folder are gone" \
    bash -c "[ ! -e '$H/.codex/config.toml' ] && [ ! -e '$H/.codex/hooks.json' ] && [ ! -e '$H/.agents/skills/$SKILL' ]"

echo
echo "# (f) the skill alone from the repository, with npx skills and skillsauth"
SKILL_PATH="$REPO/plugin/skills/$SKILL"
if skills_add "$WORK/home-f" "$WORK/proj-f" "$SKILL_PATH"; then
    check "skills add <repository>/plugin/skills/$SKILL: exactly SKILL.md and skill/" \
        same_files "$WORK/proj-f/.agents/skills/$SKILL"
else
    show_log
    not_ok "skills add <repository>/plugin/skills/$SKILL"
fi
if [ -n "${SKILLSAUTH:-}" ]; then
    # skillsauth reads .claude-plugin/marketplace.json: the plugin's skills/ folder.
    in_sandbox "$WORK/home-g" "$WORK/proj-g" env SKILLSAUTH_NO_ANALYTICS=true node "$SKILLSAUTH" add "$REPO" --all --yes --agent claude-code
    show_log
    check "skillsauth add <repository>: exactly SKILL.md and skill/ (found through marketplace.json)" \
        same_files "$WORK/proj-g/.agents/skills/$SKILL"
else
    echo "    skip: skillsauth (set SKILLSAUTH to the dist/index.js of a build of it)"
fi

finish
