#!/usr/bin/env bash
# Browser tests use Debian's Chromium driven by playwright-core (never a downloaded browser).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
  echo "ensure-chromium: /usr/bin/chromium is missing; install Debian's chromium package" >&2; exit 1
fi
echo "ensure-chromium: installing Debian's chromium (one time)" >&2
DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
