#!/usr/bin/env bash
# The pull tests (test/integration/image-pull.test.ts) run the reference image registry
# (distribution, Debian's docker-registry) per test, on a free loopback port with its own
# config and a temp storage dir. Only the binary is needed: Debian's service is kept from
# starting while the package installs, so nothing listens on :5000 machine-wide.
set -euo pipefail
if command -v docker-registry >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
  echo "ensure-registry: docker-registry is missing; install Debian's docker-registry (the reference registry, distribution 2.x)" >&2; exit 1
fi
echo "ensure-registry: installing Debian's docker-registry (one time; its service is not started)" >&2
# policy-rc.d exit 101 = "action forbidden": the package's postinst then does not start the
# service. Only a policy this script wrote is removed again.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry >&2
