#!/usr/bin/env bash
# Tests the release artifacts the way users get them (the slow step of
# scripts/test.sh):
#   - scripts/dist.sh writes them into target/dist-test/, from the dev-profile
#     binary that `cargo test` already built (DIST_PROFILE=debug: the same
#     packaging, minutes faster than the fat-LTO `dist` profile a release
#     uses; DIST_PROFILE=dist tests the real thing);
#   - their metadata (tests/dist/check_release.py): npm package.json files,
#     the .mcpb manifest, server.json against the MCP Registry's schema,
#     SHA256SUMS, README's mcp-name line;
#   - npm: the tarballs installed into an empty folder with --ignore-scripts;
#     `npx rust-async-skill --version`, `serve` answering an MCP initialize,
#     `install claude-code` registering the launcher, the shim's errors;
#   - mcpb: `mcpb validate` and `mcpb info`, then the unpacked bundle's server
#     started as Claude Desktop would (its manifest's command) through an
#     initialize;
#   - the archive for the release and cargo binstall;
#   - the crate: `cargo package` (what it includes and excludes, its size),
#     then `cargo install --locked --path` from the packaged crate (a dev
#     build unless CRATE_INSTALL_PROFILE=release) and its server
#     (TEST_DIST_CRATE=0 skips this part, for quick runs).
# Needs cargo, node, npm, python3 (installs `jsonschema` if missing) and the
# npm registry once for the pinned mcpb tool. The last line is
# "test-dist: N passed, N failed"; exits non-zero when any check failed.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${DIST_TEST_OUT:-$ROOT/target/dist-test}
PROFILE=${DIST_PROFILE:-debug}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT" || exit 2

passed=0
failed=0
ok() { echo "ok   - $*"; passed=$((passed + 1)); }
not_ok() { echo "FAIL - $*"; failed=$((failed + 1)); }
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
    echo
    echo "test-dist: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}
die() {
    not_ok "$*"
    finish
}

export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false \
    npm_config_loglevel=error
python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q 'jsonschema>=4.18,<5' ||
    die "cannot install the Python package jsonschema"

meta() {
    cargo metadata --no-deps --format-version 1 --locked |
        python3 -c "import json,sys; p=[p for p in json.load(sys.stdin)['packages'] if p['name']=='rust-async-skill'][0]; print(p['$1'])"
}
VERSION=$(meta version)
OWNER=$(meta repository | sed -n 's|^https://github.com/\([^/]*\)/.*|\1|p')
TARGET=$(rustc -vV | sed -n 's/^host: //p')
[ -n "$VERSION" ] && [ -n "$OWNER" ] || die "cannot read the version and owner from Cargo.toml"
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 --locked | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
MCPB=${DIST_TOOLS:-$TARGET_DIR/dist-tools}/node_modules/.bin/mcpb
echo "# version $VERSION, owner $OWNER, target $TARGET, profile $PROFILE"

# --- 1. scripts/dist.sh --------------------------------------------------------
rm -rf "$OUT"
start=$(date +%s.%N)
DIST_PROFILE=$PROFILE scripts/dist.sh "$OUT" >"$WORK/dist.log" 2>&1 || {
    cat "$WORK/dist.log"
    die "scripts/dist.sh failed"
}
ok "scripts/dist.sh ($PROFILE profile) in $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s"
sed -n '/in \//,$p' "$WORK/dist.log"

# --- 2. metadata, server.json, SHA256SUMS ----------------------------------------
"$MCPB" unpack "$OUT/rust-async-skill-$VERSION-$TARGET.mcpb" "$WORK/mcpb" >"$WORK/unpack.log" 2>&1 ||
    { cat "$WORK/unpack.log"; not_ok "mcpb unpack"; }
python3 tests/dist/check_release.py --root "$ROOT" --out "$OUT" --version "$VERSION" --owner "$OWNER" \
    --target "$TARGET" --mcpb-dir "$WORK/mcpb" >"$WORK/check.log" 2>&1
grep -E '^(FAIL|check_release:)|Traceback|Error' "$WORK/check.log"
passed=$((passed + $(grep -c '^ok ' "$WORK/check.log")))
failed=$((failed + $(grep -c '^FAIL' "$WORK/check.log")))
grep -q '^check_release: 0 failed' "$WORK/check.log" || not_ok "tests/dist/check_release.py did not finish cleanly"
check "sha256sum --check SHA256SUMS" bash -c "cd '$OUT' && sha256sum --check --quiet SHA256SUMS"
cp -r "$OUT" "$WORK/tampered"
printf 'x' >>"$WORK/tampered/server.json"
check "a changed file fails the SHA256SUMS check" bash -c "! (cd '$WORK/tampered' && sha256sum --check --quiet SHA256SUMS >/dev/null 2>&1)"

# --- 3. npm: install the tarballs into an empty folder, no scripts -----------------
APP=$WORK/app
mkdir -p "$APP"
echo '{"name": "empty", "private": true}' >"$APP/package.json"
# The other platforms' packages are not published yet: npm skips those
# optional dependencies (not found, or not for this os/cpu/libc).
(cd "$APP" && npm install --ignore-scripts --no-package-lock "$OUT"/npm/*.tgz) >"$WORK/npm-install.log" 2>&1 ||
    { cat "$WORK/npm-install.log"; die "npm install --ignore-scripts of the tarballs"; }
ok "npm install --ignore-scripts of the tarballs into an empty folder"
got=$(cd "$APP" && npx --no-install rust-async-skill --version 2>&1)
check "npx rust-async-skill --version prints $VERSION ($got)" test "$got" = "rust-async-skill $VERSION"
check "npx rust-async-skill serve answers an MCP initialize" \
    python3 tests/dist/mcp_initialize.py --version "$VERSION" --cwd "$APP" -- npx --no-install rust-async-skill serve

# install through the launcher registers the launcher, not the binary in node_modules.
mkdir -p "$WORK/home" "$WORK/project"
(cd "$WORK/project" && HOME=$WORK/home npx --prefix "$APP" --no-install rust-async-skill install claude-code) \
    >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; not_ok "npx rust-async-skill install claude-code"; }
check "install through npx registers \`npx -y rust-async-skill serve\`" python3 - "$WORK/home/.claude.json" <<'EOF'
import json, sys
entry = json.load(open(sys.argv[1]))["mcpServers"]["rust-async-skill"]
want = {"type": "stdio", "command": "npx", "args": ["-y", "rust-async-skill", "serve"], "env": {}}
sys.exit(0 if entry == want else f"entry is {entry}")
EOF
check "install through npx says so" grep -q "the server runs: npx -y rust-async-skill serve" "$WORK/install.log"
check "the binary run directly still registers its own path" bash -c \
    "cd '$WORK/project' && HOME='$WORK/home2' '$APP/node_modules/rust-async-skill-$(python3 -c "import json;print(json.load(open('packaging/targets.json'))['$TARGET']['npm'])")/rust-async-skill' install cursor >/dev/null &&
     grep -q node_modules '$WORK/home2/.cursor/mcp.json'"

# The shim's errors name the platform.
(cd "$APP" && node -e 'Object.defineProperty(process, "arch", { value: "riscv64" }); require(require("path").resolve(process.argv[1]))' \
    node_modules/rust-async-skill/bin/rust-async-skill.js --version) >"$WORK/riscv.txt" 2>&1
status=$?
check "no package for the platform: exit 1 naming linux-riscv64" \
    bash -c "[ $status -eq 1 ] && grep -q 'no prebuilt binary for this platform (linux-riscv64)' '$WORK/riscv.txt'"
NOOPT=$WORK/noopt
mkdir -p "$NOOPT" && echo '{"name": "noopt", "private": true}' >"$NOOPT/package.json"
(cd "$NOOPT" && npm install --ignore-scripts --no-package-lock --omit=optional "$OUT/npm/rust-async-skill-$VERSION.tgz") >/dev/null 2>&1
(cd "$NOOPT" && npx --no-install rust-async-skill --version) >"$WORK/noopt.txt" 2>&1
status=$?
check "platform package left out (--omit=optional): exit 1 naming it" \
    bash -c "[ $status -eq 1 ] && grep -q 'is not installed: npm did not install rust-async-skill-' '$WORK/noopt.txt'"

# --- 4. mcpb ---------------------------------------------------------------------
check "mcpb validate on the bundle's manifest" "$MCPB" validate "$WORK/mcpb/manifest.json"
check "mcpb info reads the bundle" bash -c "'$MCPB' info '$OUT/rust-async-skill-$VERSION-$TARGET.mcpb' | grep -q rust-async-skill"
# The command as Claude Desktop builds it: ${__dirname} is the unpacked folder.
mapfile -t server_cmd < <(python3 -c '
import json, sys
c = json.load(open(sys.argv[1] + "/manifest.json"))["server"]["mcp_config"]
for part in [c["command"], *c.get("args", [])]:
    print(part.replace("${__dirname}", sys.argv[1]))' "$WORK/mcpb")
check "the unpacked .mcpb's server answers an MCP initialize" \
    python3 tests/dist/mcp_initialize.py --version "$VERSION" -- "${server_cmd[@]}"

# --- 5. the archive, where Cargo.toml's binstall bin-dir says -------------------
mkdir -p "$WORK/archive"
tar -xzf "$OUT/rust-async-skill-$VERSION-$TARGET.tar.gz" -C "$WORK/archive"
got=$("$WORK/archive/rust-async-skill-$VERSION-$TARGET/rust-async-skill" --version 2>&1)
check "the release archive's binary (binstall's bin-dir) runs: $got" test "$got" = "rust-async-skill $VERSION"
check "the skill bundle holds SKILL.md" test -s "$OUT/skill/skills/rust-async-internals/SKILL.md"

# --- 6. the crate: cargo package, then cargo install from it -----------------------
if [ "${TEST_DIST_CRATE:-1}" = 0 ]; then
    echo "# TEST_DIST_CRATE=0: cargo package / cargo install skipped"
    finish
fi
dirty=()
[ -z "$(git status --porcelain 2>/dev/null)" ] || dirty=(--allow-dirty) # a clean CI clone needs none
if cargo package --locked -p rust-async-skill "${dirty[@]}" >"$WORK/package.log" 2>&1; then
    ok "cargo package ${dirty[*]}"
else
    cat "$WORK/package.log"
    not_ok "cargo package"
fi
CRATE=$TARGET_DIR/package/rust-async-skill-$VERSION.crate
cargo package --list --locked -p rust-async-skill "${dirty[@]}" 2>/dev/null >"$WORK/list"
check "the crate has what the binary embeds (build.rs, SKILL.md, skill/, index/)" bash -c \
    "grep -qx build.rs '$WORK/list' && grep -qx SKILL.md '$WORK/list' && grep -q '^skill/' '$WORK/list' && grep -q '^index/' '$WORK/list'"
check "the crate leaves out tests, fixtures, benches, fuzz, examples" bash -c \
    "! grep -qE '^(tests|fuzz|benches|examples|skill-examples|scripts|packaging)/' '$WORK/list'"
[ -f "$CRATE" ] && echo "# crate: $(du -h "$CRATE" | cut -f1) ($(stat -c %s "$CRATE") bytes), $(wc -l <"$WORK/list") files"
INSTALL_PROFILE=${CRATE_INSTALL_PROFILE:-debug}
# cargo removes its own unpacked copy after verifying: unpack the .crate as a
# user's `cargo install` would get it from crates.io.
mkdir -p "$WORK/crate" && tar -xzf "$CRATE" -C "$WORK/crate"
flags=(--locked --root "$WORK/cargo-root" --path "$WORK/crate/rust-async-skill-$VERSION")
[ "$INSTALL_PROFILE" = debug ] && flags+=(--debug)
if cargo install "${flags[@]}" >"$WORK/cargo-install.log" 2>&1; then
    ok "cargo install ${flags[*]/#$WORK/…}"
    got=$("$WORK/cargo-root/bin/rust-async-skill" --version 2>&1)
    check "the installed binary prints $VERSION" test "$got" = "rust-async-skill $VERSION"
    check "the installed binary's server answers an MCP initialize (embedded skill and index)" \
        python3 tests/dist/mcp_initialize.py --version "$VERSION" -- "$WORK/cargo-root/bin/rust-async-skill" serve
else
    tail -30 "$WORK/cargo-install.log"
    not_ok "cargo install from the packaged crate"
fi

finish
