#!/usr/bin/env bash
# Make sure a Docker engine answers. An engine that already answers is never touched.
# On a Debian machine, as root, with none: install Debian's docker.io and start dockerd
# (there is no systemd here), saying so. Anywhere else: stop with a clear message.
set -euo pipefail

say() { echo "ensure-docker: $*" >&2; }

engine_answers() {
  # The Engine API itself, not a CLI: any client version works against any engine.
  local sock="${DOCKER_HOST:-unix:///var/run/docker.sock}"
  case "$sock" in
    unix://*) curl -sf --max-time 3 --unix-socket "${sock#unix://}" http://localhost/_ping >/dev/null 2>&1 ;;
    tcp://*) curl -sf --max-time 3 "http://${sock#tcp://}/_ping" >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

if engine_answers; then exit 0; fi

if [ -n "${DOCKER_HOST:-}" ]; then
  say "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST"; exit 1
fi
if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
  say "no Docker engine answers at /var/run/docker.sock; start Docker and run again"; exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  say "no Docker engine found: installing Debian's docker.io (one time, about a minute)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq docker.io >&2
fi

say "starting dockerd in the background (log: /var/log/dual-dockerd.log)"
setsid dockerd >/var/log/dual-dockerd.log 2>&1 < /dev/null &
# Marks the engine as ours: only an engine this script started may be restarted by the
# engine-restart test phase (scripts/test.sh); a user's own engine is never touched.
echo $! > /run/dual-dockerd.pid
for _ in $(seq 1 120); do
  if engine_answers; then say "Docker engine is up"; exit 0; fi
  sleep 0.5
done
say "dockerd did not answer within 60 s; see /var/log/dual-dockerd.log"
tail -n 20 /var/log/dual-dockerd.log >&2 || true
exit 1
