#!/usr/bin/env bash
# `npm run bench`: times dual against its references in one run (bench/run.ts) and records
# the table in BENCHMARKS.md. Needs a Docker engine (found or started like the tests do),
# the offline test images, wrk and curl; nginx and caddy are optional (their columns are left
# empty); Chromium and certutil for the dev-page load rows.
# Everything the run creates is labelled dual.repo=$BENCH_REPO (or $BENCH_REPO-vite/-next)
# and dual.home=$BENCH_TMP/home, and removed at exit, even when the run fails or is interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "bench: $*" >&2; }
DOCKER_CLI=/usr/bin/docker; [ -x "$DOCKER_CLI" ] || DOCKER_CLI=docker
export DOCKER_CLI

bash scripts/ensure-docker.sh
bash scripts/build-test-images.sh
bash scripts/ensure-chromium.sh
bash scripts/ensure-certutil.sh

# wrk and curl are needed, nginx is optional (without it the nginx column is left empty).
# On Debian as root, missing ones are installed; elsewhere the run says what is missing.
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v caddy >/dev/null 2>&1 || missing+=(caddy)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ]; then
  say "installing ${missing[*]} (Debian packages, one time)"
  export DEBIAN_FRONTEND=noninteractive
  # nginx's and caddy's postinst would start a system server on :80; the bench runs its own. A
  # policy-rc.d that says "no" (the Debian way) stops that, and is removed afterwards.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d; printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"
  fi
  { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >&2 || say "apt-get failed; going on with what is installed"
  if [ -n "$policy" ]; then rm -f "$policy"; fi
fi
for tool in wrk curl; do
  command -v "$tool" >/dev/null 2>&1 || { say "$tool is required; install it (Debian: apt-get install $tool)"; exit 1; }
done
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || say "nginx is not installed: the nginx column will be empty"
command -v caddy >/dev/null 2>&1 || say "caddy is not installed: the caddy column will be empty"

npm run --silent build

BENCH_TMP=$(mktemp -d /tmp/dual-bench.XXXXXX)
BENCH_REPO="bench-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
export BENCH_TMP BENCH_REPO
cleanup() {
  # Normally bench/run.ts has already cleaned up; this covers a Node that was killed.
  [ -f "$BENCH_TMP/proxy.pid" ] && kill "$(cat "$BENCH_TMP/proxy.pid")" 2>/dev/null || true
  [ -f "$BENCH_TMP/nginx/nginx.pid" ] && kill "$(cat "$BENCH_TMP/nginx/nginx.pid")" 2>/dev/null || true
  [ -f "$BENCH_TMP/caddy/caddy.pid" ] && kill "$(cat "$BENCH_TMP/caddy/caddy.pid")" 2>/dev/null || true
  # By repo (the bench fixture) and by DUAL_HOME (the real apps' repos are named after it).
  for label in "dual.repo=$BENCH_REPO" "dual.home=$BENCH_TMP/home"; do
    ids=$("$DOCKER_CLI" ps -aq --filter "label=$label" 2>/dev/null || true)
    [ -n "$ids" ] && "$DOCKER_CLI" rm -fv $ids >/dev/null 2>&1 || true
    vols=$("$DOCKER_CLI" volume ls -q --filter "label=$label" 2>/dev/null || true)
    [ -n "$vols" ] && "$DOCKER_CLI" volume rm -f $vols >/dev/null 2>&1 || true
  done
  rm -rf "$BENCH_TMP"
}
trap cleanup EXIT

# Built inside node_modules/ so the bundle's bare imports (ws, undici) resolve from the checkout.
run_bench() {
  out=node_modules/.cache/dual-bench/$1.mjs
  npx esbuild "bench/$1.ts" --bundle --platform=node --format=esm --target=node20 --packages=external \
    --log-level=warning --outfile="$out"
  node "$out"
}
# Fifty Vite workspaces take 10-20 minutes here: opt-in with DUAL_BENCH_FIFTY=1 (after the
# main run) or DUAL_BENCH_FIFTY=only (that alone).
[ "${DUAL_BENCH_FIFTY:-}" = only ] || run_bench run
[ -z "${DUAL_BENCH_FIFTY:-}" ] || run_bench fifty-bench
