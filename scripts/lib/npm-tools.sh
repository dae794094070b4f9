# Shared by scripts/test-install-tools.sh and scripts/test-protocol-tools.sh:
# Node $NODE_VERSION and pinned npm tools, installed once into $CACHE (so
# reruns make no network request). Source it after defining CACHE,
# NODE_VERSION and a `die MESSAGE` function.

export npm_config_cache="$CACHE/npm-cache" npm_config_update_notifier=false \
    npm_config_fund=false npm_config_audit=false npm_config_loglevel=error

# use_node22: puts Node $NODE_VERSION (from the npm package `node`) first on PATH.
use_node22() {
    mkdir -p "$CACHE"
    local node_bin="$CACHE/node22/node_modules/.bin"
    if [ "$("$node_bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
        echo "# installing node@$NODE_VERSION into $CACHE/node22"
        command -v npm >/dev/null || die "npm is needed to install Node $NODE_VERSION"
        npm install --prefix "$CACHE/node22" --no-save "node@$NODE_VERSION" >"$CACHE/node22.log" 2>&1
        if [ "$("$node_bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
            # The `node` package fetches its binary in an install script; where
            # scripts do not run, take the platform package directly.
            local arch os
            case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
            os=$(uname -s | tr '[:upper:]' '[:lower:]')
            npm install --prefix "$CACHE/node22" --no-save "node-$os-$arch@$NODE_VERSION" >>"$CACHE/node22.log" 2>&1
            mkdir -p "$node_bin"
            ln -sf "../node-$os-$arch/bin/node" "$node_bin/node"
        fi
    fi
    [ "$("$node_bin/node" --version 2>/dev/null)" = "v$NODE_VERSION" ] || die "Node $NODE_VERSION did not install (see $CACHE/node22.log)"
    export PATH="$node_bin:$PATH"
}

# use_npm_tools "PKG@VER ..." BIN...: installs the packages into $CACHE/tools
# unless the same set is there with every named binary, and puts them on PATH.
use_npm_tools() {
    local stamp=$1 tools="$CACHE/tools" fresh=1 b
    shift
    [ "$(cat "$tools/.stamp" 2>/dev/null)" = "$stamp" ] || fresh=0
    for b in "$@"; do [ -x "$tools/node_modules/.bin/$b" ] || fresh=0; done
    if [ "$fresh" -eq 0 ]; then
        echo "# installing $stamp into $tools"
        rm -rf "$tools"
        # shellcheck disable=SC2086
        npm install --prefix "$tools" $stamp >"$CACHE/tools.log" 2>&1 || die "npm install of the tools failed (see $CACHE/tools.log)"
        echo "$stamp" >"$tools/.stamp"
    fi
    export PATH="$tools/node_modules/.bin:$PATH"
}
