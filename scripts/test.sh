#!/usr/bin/env bash
# The whole test suite on a brand-new machine: finds (or on Debian as root installs and
# starts) a Docker engine, builds the offline test images and the CLI, then runs vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-docker.sh
bash scripts/ensure-chromium.sh
bash scripts/ensure-certutil.sh
bash scripts/ensure-sshd.sh
bash scripts/ensure-registry.sh
bash scripts/build-test-images.sh
npm run --silent build
npx tsc --noEmit
npm run --silent lint:layers
# No logic written twice in src/, workspaces/, proxy/ (.jscpd.json holds the threshold).
npm run --silent lint:copies
npx vitest run "$@"

# Phase 2, alone: a real Docker engine restart under a running proxy. Only on an engine that
# scripts/ensure-docker.sh started (it stops every container); a user's engine is left alone.
if [ $# -eq 0 ]; then
  pid=$(cat /run/dual-dockerd.pid 2>/dev/null || true)
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
    npx vitest run --config vitest.engine.config.ts
  else
    echo "test.sh: engine-restart phase not run: this Docker engine was not started by scripts/ensure-docker.sh" >&2
  fi
fi
