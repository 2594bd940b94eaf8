#!/usr/bin/env bash
# Where node_modules lives, measured (SPEC.md, "Where node_modules lives"): `npm ci` of a small
# project (express, lodash, vite, typescript) in dual-test/node with node_modules in the
# bind-mounted worktree vs in a named volume; warm npm cache, alternating runs.
# Usage: bash bench/node-modules-ab.sh [rounds=5]. Needs the npm registry (host CA passed in).
set -euo pipefail
rounds=${1:-5}
D=/usr/bin/docker; [ -x "$D" ] || D=docker
app=$(mktemp -d); tag=$$
trap '$D volume rm -f "nm-ab-$tag" "nm-ab-cache-$tag" >/dev/null 2>&1; rm -rf "$app"' EXIT
cat > "$app/package.json" <<'JSON'
{"name":"m","version":"1.0.0","private":true,"dependencies":{"express":"4.21.2","lodash":"4.17.21","vite":"5.4.11","typescript":"5.6.3"}}
JSON
(cd "$app" && npm install --package-lock-only --no-audit --no-fund >/dev/null 2>&1)
ca=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
run() { # $1 = bind | volume
  local extra=()
  if [ "$1" = volume ]; then $D volume rm -f "nm-ab-$tag" >/dev/null; extra=(-v "nm-ab-$tag:$app/node_modules"); fi
  rm -rf "$app/node_modules"
  local t0; t0=$(date +%s.%N)
  $D run --rm --label dual.test=1 -v "$app:$app" "${extra[@]}" -w "$app" -v "nm-ab-cache-$tag:/cache" -e npm_config_cache=/cache \
    -v "$ca:/ca.crt:ro" -e NODE_EXTRA_CA_CERTS=/ca.crt -e npm_config_cafile=/ca.crt \
    dual-test/node npm ci --no-audit --no-fund --prefer-offline >/dev/null 2>&1 || { echo "npm ci failed ($1)" >&2; exit 1; }
  echo "$1 $(echo "$(date +%s.%N) - $t0" | bc)"
}
run bind >/dev/null # fills the cache
for _ in $(seq "$rounds"); do run bind; run volume; done
