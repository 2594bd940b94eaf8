#!/usr/bin/env bash
# The ssh:// Docker host tests (test/integration/engine-ssh.test.ts) start OpenSSH's sshd
# themselves, on a free loopback port with keys made in the test; this only installs it.
set -euo pipefail
if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
  echo "ensure-sshd: /usr/sbin/sshd is missing; install Debian's openssh-server" >&2; exit 1
fi
echo "ensure-sshd: installing Debian's openssh-server (one time; its system service is not started)" >&2
# Without an init system the package's postinst would start a system-wide sshd on port 22:
# a policy-rc.d that denies service starts (made here only if none exists) prevents that.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq openssh-server openssh-client >&2
