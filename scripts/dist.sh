#!/usr/bin/env bash
# Builds the release artifacts of one target into OUT:
#   OUT/npm/rust-async-skill-VERSION.tgz             the npm launcher (a Node shim)
#   OUT/npm/rust-async-skill-PLATFORM-VERSION.tgz    the npm package with the binary
#   OUT/rust-async-skill-VERSION-TARGET.mcpb         the Claude Desktop bundle
#   OUT/rust-async-skill-VERSION-TARGET.tar.gz       the binary (.zip on Windows), for
#                                                    the GitHub release and cargo binstall
#   OUT/skill/ and OUT/rust-async-skill-VERSION-skill.tar.gz   the skill bundle (`bundle`)
#   OUT/server.json                                  the MCP Registry entry
#   OUT/SHA256SUMS                                   over every file above
# The version is Cargo.toml's, everywhere; the owner comes from its `repository`.
# Templates: packaging/ (see packaging/README.md).
#
# Usage:
#   scripts/dist.sh [--target TRIPLE] OUT   one target (default: this machine's)
#   scripts/dist.sh --assemble OUT          after merging several targets' OUT folders:
#                                           rewrites server.json and SHA256SUMS over all
# Environment:
#   DIST_PROFILE  dist (default: fat LTO, one codegen unit, for releases) | release |
#                 debug (the dev profile: quick, for tests of the packaging itself)
#   DIST_TOOLS    where the pinned npm tools are installed (default target/dist-tools)
# Needs cargo, node and npm (npm installs @anthropic-ai/mcpb once into DIST_TOOLS).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MCPB_VERSION=2.1.2
CRATE=rust-async-skill
PROFILE=${DIST_PROFILE:-dist}

die() {
    echo "dist.sh: $*" >&2
    exit 2
}
usage() { die "usage: scripts/dist.sh [--target TRIPLE | --assemble] OUT"; }

TARGET=""
ASSEMBLE=0
OUT=""
while [ $# -gt 0 ]; do
    case $1 in
    --target)
        [ $# -ge 2 ] || usage
        TARGET=$2
        shift 2
        ;;
    --target=*)
        TARGET=${1#--target=}
        shift
        ;;
    --assemble)
        ASSEMBLE=1
        shift
        ;;
    -h | --help) sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' && exit 0 ;;
    -*) usage ;;
    *)
        [ -z "$OUT" ] || usage
        OUT=$1
        shift
        ;;
    esac
done
[ -n "$OUT" ] || usage
for tool in cargo node npm tar; do
    command -v "$tool" >/dev/null || die "$tool is needed"
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
META=$STAGE/metadata.json
cargo metadata --manifest-path "$ROOT/Cargo.toml" --no-deps --format-version 1 --locked >"$META"
render() { node "$ROOT/packaging/render.mjs" "$META" "$@"; }
VERSION=$(render var VERSION)

sha256_lines() {
    if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

# server.json over the .mcpb files in OUT, then SHA256SUMS over every file.
assemble() {
    render server-json "$OUT"
    (
        cd "$OUT"
        find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort >"$STAGE/files"
        # One name a line; names are ours and have no spaces.
        # shellcheck disable=SC2046
        sha256_lines $(cat "$STAGE/files") >SHA256SUMS
    )
}

if [ "$ASSEMBLE" -eq 1 ]; then
    [ -z "$TARGET" ] || usage
    assemble
    echo "dist.sh: assembled $OUT (version $VERSION): $(wc -l <"$OUT/SHA256SUMS") files in SHA256SUMS"
    exit 0
fi

HOST=$(rustc -vV | sed -n 's/^host: //p')
TARGET=${TARGET:-$HOST}
case $TARGET in
*-windows-*) EXE=.exe ;;
*) EXE="" ;;
esac
TARGET_DIR=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).target_directory)' "$META")

# --- the binary ------------------------------------------------------------
case $PROFILE in
dist | release)
    echo "dist.sh: cargo build --profile $PROFILE --target $TARGET"
    cargo build --manifest-path "$ROOT/Cargo.toml" --locked --profile "$PROFILE" --target "$TARGET" --bin "$CRATE"
    BIN=$TARGET_DIR/$TARGET/$PROFILE/$CRATE$EXE
    ;;
debug)
    # The dev profile of this machine, as `cargo build` (and so cargo test) leaves it.
    [ "$TARGET" = "$HOST" ] || die "DIST_PROFILE=debug builds for this machine ($HOST) only, not $TARGET"
    cargo build --manifest-path "$ROOT/Cargo.toml" --locked --bin "$CRATE"
    BIN=$TARGET_DIR/debug/$CRATE$EXE
    ;;
*) die "DIST_PROFILE must be dist, release or debug, not $PROFILE" ;;
esac
[ -x "$BIN" ] || die "no binary at $BIN"

# A binary of another architecture may not run here (CI builds each target on
# its own runner, where it does): then the checks that run it are skipped.
RUNS=0
if got=$("$BIN" --version 2>/dev/null); then
    RUNS=1
    [ "$got" = "$CRATE $VERSION" ] || die "$BIN --version says \"$got\", expected \"$CRATE $VERSION\""
fi

# --- the mcpb tool, pinned ----------------------------------------------------
TOOLS=${DIST_TOOLS:-$TARGET_DIR/dist-tools}
MCPB=$TOOLS/node_modules/.bin/mcpb
if [ "$("$MCPB" --version 2>/dev/null)" != "$MCPB_VERSION" ]; then
    echo "dist.sh: installing @anthropic-ai/mcpb@$MCPB_VERSION into $TOOLS"
    npm install --prefix "$TOOLS" --no-save --no-audit --no-fund --ignore-scripts \
        "@anthropic-ai/mcpb@$MCPB_VERSION" >"$STAGE/npm-tools.log" 2>&1 ||
        { cat "$STAGE/npm-tools.log" >&2; die "npm install of @anthropic-ai/mcpb failed"; }
fi

# --- npm: the launcher and this target's platform package ----------------------
mkdir -p "$OUT/npm"
render launcher "$STAGE/launcher"
render platform "$TARGET" "$BIN" "$STAGE/platform"
for dir in launcher platform; do
    npm pack "$STAGE/$dir" --pack-destination "$OUT/npm" --ignore-scripts --silent >/dev/null
done

# --- the Claude Desktop bundle -----------------------------------------------
MCPB_FILE=$OUT/$CRATE-$VERSION-$TARGET.mcpb
render mcpb "$TARGET" "$BIN" "$STAGE/mcpb"
"$MCPB" validate "$STAGE/mcpb/manifest.json" >"$STAGE/mcpb.log" 2>&1 ||
    { cat "$STAGE/mcpb.log" >&2; die "mcpb validate failed"; }
rm -f "$MCPB_FILE"
"$MCPB" pack "$STAGE/mcpb" "$MCPB_FILE" >"$STAGE/mcpb.log" 2>&1 ||
    { cat "$STAGE/mcpb.log" >&2; die "mcpb pack failed"; }

# --- the archive for the GitHub release and cargo binstall ---------------------
# Layout `NAME-VERSION-TARGET/NAME[.exe]`, as Cargo.toml's binstall bin-dir says.
ARCHIVE_DIR=$CRATE-$VERSION-$TARGET
mkdir -p "$STAGE/archive/$ARCHIVE_DIR"
cp "$BIN" "$STAGE/archive/$ARCHIVE_DIR/$CRATE$EXE"
cp "$ROOT/README.md" "$STAGE/archive/$ARCHIVE_DIR/"
if [ -n "$EXE" ]; then
    PY=$(command -v python3 || command -v python) || die "python is needed to write a .zip"
    rm -f "$OUT/$ARCHIVE_DIR.zip"
    (cd "$STAGE/archive" && "$PY" -m zipfile -c "$OUT/$ARCHIVE_DIR.zip" "$ARCHIVE_DIR")
else
    tar -czf "$OUT/$ARCHIVE_DIR.tar.gz" -C "$STAGE/archive" "$ARCHIVE_DIR"
fi

# --- the skill bundle ----------------------------------------------------------
if [ "$RUNS" -eq 1 ]; then
    rm -rf "$OUT/skill"
    "$BIN" bundle "$OUT/skill" >/dev/null
    tar -czf "$OUT/$CRATE-$VERSION-skill.tar.gz" -C "$OUT/skill" skills
else
    echo "dist.sh: $BIN does not run here: no skill bundle from this target"
fi

assemble
echo "dist.sh: $TARGET ($PROFILE profile), version $VERSION, in $OUT:"
(cd "$OUT" && find . -maxdepth 2 -type f ! -path './skill/*' | LC_ALL=C sort | while read -r f; do
    printf '  %-60s %s\n' "${f#./}" "$(du -h "$f" | cut -f1)"
done)
