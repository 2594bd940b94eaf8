#!/usr/bin/env bash
# The HTTPS tests make NSS databases (what Chromium and Firefox read) with certutil, from
# Debian's libnss3-tools; `dual trust` uses it too.
set -euo pipefail
if command -v certutil >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
  echo "ensure-certutil: certutil is missing; install Debian's libnss3-tools (Fedora: nss-tools)" >&2; exit 1
fi
echo "ensure-certutil: installing Debian's libnss3-tools (one time)" >&2
DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnss3-tools >&2
