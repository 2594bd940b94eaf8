#!/usr/bin/env bash
# The whole test suite on a brand-new machine: finds (or on Debian as root installs and
# starts) a Docker engine, builds the offline test images and the CLI, then runs vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-docker.sh
bash scripts/ensure-chromium.sh
bash scripts/build-test-images.sh
npm run --silent build
npx tsc --noEmit
exec npx vitest run "$@"
