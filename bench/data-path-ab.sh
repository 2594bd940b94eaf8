#!/usr/bin/env bash
# Data-path candidates side by side, all in front of the same Node server on the host
# (no Docker, so only the proxies differ). Rounds alternate between candidates so that
# machine noise hits them alike; the median of the rounds is printed, with the CPU time the
# path's own processes (the proxy and its workers; for direct, the upstream) spent per request.
#   bash bench/data-path-ab.sh [seconds] [connections] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}; CONNS=${2:-32}; ROUNDS=${3:-3}
command -v wrk >/dev/null || { echo "data-path-ab: wrk is needed" >&2; exit 1; }
work=$(mktemp -d); pids=()
export AB_WORK="$work"
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
ln -s "$PWD/node_modules" "$work/node_modules"
npx esbuild proxy/proxy.ts --bundle --platform=node --format=esm --packages=external --outfile="$work/dual-proxy.mjs" --log-level=warning

UP=38001 UNDICI=38002 HTTPPROXY=38003 DUAL=38004 NGINX=38005 DUAL2=38006
cat > "$work/upstream.mjs" <<'JS'
import http from 'node:http';
const body = Buffer.alloc(1024, 'x');
http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }); res.end(body); })
  .listen(Number(process.argv[2]), '127.0.0.1');
JS
cat > "$work/undici-minimal.mjs" <<'JS'
// The floor of the Node http + undici design: one fixed upstream, no routing, no header passes.
import http from 'node:http';
import { Pool } from 'undici';
const pool = new Pool(process.argv[3], { connections: 256 });
http.createServer((req, res) => {
  pool.dispatch({ path: req.url, method: req.method, headers: req.headers, body: null }, {
    onConnect() {},
    onHeaders(status, raw, _resume, text) { res.writeHead(status, text, raw.map((b) => b.toString('latin1')).filter((_, i, a) => i % 2 ? !/^(connection|keep-alive)$/i.test(a[i - 1]) : !/^(connection|keep-alive)$/i.test(a[i]))); return true; },
    onData(chunk) { return res.write(chunk); },
    onComplete() { res.end(); },
    onError() { res.destroy(); },
  });
}).listen(Number(process.argv[2]), '127.0.0.1');
JS
cat > "$work/http-proxy.mjs" <<'JS'
// The design document's choice: http-proxy 1.18 with a keep-alive agent.
import http from 'node:http';
import httpProxy from 'http-proxy';
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const proxy = httpProxy.createProxyServer({ target: process.argv[3], agent });
proxy.on('error', (_e, _req, res) => res.destroy());
http.createServer((req, res) => proxy.web(req, res)).listen(Number(process.argv[2]), '127.0.0.1');
JS
cat > "$work/dual.mjs" <<'JS'
// dual's proxy with a fake discovery: one workspace whose published port is the upstream.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProxy } from './dual-proxy.mjs';
const [, , port, upstreamPort] = process.argv;
const answer = (id) => ({ Id: id, Name: `/dual-${id}`, State: { Status: 'running' }, Config: { Labels: { 'dual.workspace': id, 'dual.ports': port } },
  NetworkSettings: { IPAddress: '', Ports: { [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: upstreamPort }] } } });
const discovery = { display: 'fake', listLabelled: async () => [answer('a'), answer('b')], inspect: async (id) => answer(id), subscribe: async () => ({ close() {} }), isDockerDesktop: async () => false };
const silent = { debug() {}, info() {}, warn() {}, error() {} };
// Its DUAL_HOME lives in the script's work dir, removed on exit.
await startProxy({ home: mkdtempSync(join(process.env.AB_WORK ?? tmpdir(), 'dual-ab-')), log: silent, discovery, upstream: 'published', bind: ['127.0.0.1'], watchConfig: false });
JS
cat > "$work/dual-workers.mjs" <<'JS'
// dual on 2 cores: two round-robin node:cluster workers sharing the primary's socket, each
// the whole proxy (fake discovery as in dual.mjs). Measured, not adopted (SPEC.md, "The data path").
import cluster from 'node:cluster';
cluster.schedulingPolicy = cluster.SCHED_RR;
if (cluster.isPrimary) for (let i = 0; i < 2; i++) cluster.fork();
else await import('./dual.mjs');
JS
node "$work/upstream.mjs" $UP & pids+=($!)
node "$work/undici-minimal.mjs" $UNDICI "http://127.0.0.1:$UP" & pids+=($!)
node "$work/http-proxy.mjs" $HTTPPROXY "http://127.0.0.1:$UP" & pids+=($!)
node "$work/dual.mjs" $DUAL $UP & pids+=($!)
node "$work/dual-workers.mjs" $DUAL2 $UP & pids+=($!)
candidates="direct:$UP undici-minimal:$UNDICI http-proxy:$HTTPPROXY dual:$DUAL dual-2-workers:$DUAL2"
if [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null; then
  cat > "$work/nginx.conf" <<NGINX
worker_processes 2; pid $work/nginx.pid; error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  upstream ws_a { server 127.0.0.1:$UP; keepalive 64; }
  map \$host \$backend { default ""; a.localhost ws_a; }
  server { listen 127.0.0.1:$NGINX; location / { proxy_pass http://\$backend; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$http_host; proxy_buffering off; } }
}
NGINX
  "$(command -v nginx || echo /usr/sbin/nginx)" -c "$work/nginx.conf" -p "$work"
  candidates="$candidates nginx:$NGINX"
fi
for c in $candidates; do until curl -sf -o /dev/null -H "Host: a.localhost:${c#*:}" "http://127.0.0.1:${c#*:}/"; do sleep 0.1; done; done

# CPU ticks (user + system) of the processes listening on a port and of their children.
ticks() {
  local listeners; listeners=$(ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u || true)
  for p in $( (echo "$listeners"; for q in $listeners; do pgrep -P "$q" || true; done) | sort -u); do awk '{print $14 + $15}' "/proc/$p/stat"; done | awk '{s += $1} END {print s + 0}'
}
hz=$(getconf CLK_TCK)
for round in $(seq 1 "$ROUNDS"); do
  for c in $candidates; do
    before=$(ticks "${c#*:}")
    rps=$(wrk -t1 -c"$CONNS" -d"${SECS}s" -H "Host: a.localhost:${c#*:}" "http://127.0.0.1:${c#*:}/" | awk '/Requests\/sec/ {print $2}')
    cpu=$(awk -v t=$(( $(ticks "${c#*:}") - before )) -v r="$rps" -v d="$SECS" -v hz="$hz" 'BEGIN {printf "%.1f", t / hz * 1e6 / (r * d)}')
    echo "${c%%:*} $rps $cpu" >> "$work/results"
  done
done
echo "wrk -t1 -c$CONNS -d${SECS}s x $ROUNDS rounds (median), 1 KiB answer, upstream Node on the host, $(nproc) cores"
echo "| path | requests/s (median) | vs direct | vs nginx | CPU µs/request (median) |"; echo "|---|---|---|---|---|"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
direct=$(awk '$1=="direct" {print $2}' "$work/results" | median)
nginx=$(awk '$1=="nginx" {print $2}' "$work/results" | median)
for c in $candidates; do
  name=${c%%:*}; m=$(awk -v n="$name" '$1==n {print $2}' "$work/results" | median); cpu=$(awk -v n="$name" '$1==n {print $3}' "$work/results" | median)
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$m" "$(awk -v a="$m" -v b="$direct" 'BEGIN{printf "%.2f", a/b}')" "$( [ -n "$nginx" ] && awk -v a="$m" -v b="$nginx" 'BEGIN{printf "%.2f", a/b}' || echo -)" "$cpu"
done
echo; echo "per round (requests/s), in run order:"
for c in $candidates; do name=${c%%:*}; printf '%s: %s\n' "$name" "$(awk -v n="$name" '$1==n {printf "%d ", $2}' "$work/results")"; done
