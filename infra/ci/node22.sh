#!/usr/bin/env bash
# Source this file: it puts a Node >= 22 first in PATH. The machine's own Node may be older
# (20 is past end of life); the npm registry's `node` package ships a Node 22 binary, so we
# install it once under a cache folder and prepend it. Idempotent and quiet when already set.
set -u
_wrrk_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(_wrrk_major)" -lt 22 ]; then
  WRRK_NODE_HOME="${WRRK_NODE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/wrrk-node}"
  if [ ! -x "$WRRK_NODE_HOME/node_modules/.bin/node" ]; then
    mkdir -p "$WRRK_NODE_HOME"
    (cd "$WRRK_NODE_HOME" && npm install --no-audit --no-fund --silent node@22 >/dev/null)
  fi
  export PATH="$WRRK_NODE_HOME/node_modules/.bin:$PATH"
fi
unset -f _wrrk_major
