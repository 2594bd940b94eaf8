import type { ProxyRow, PathName } from './report.js';
import { median, percentile } from './stats.js';
import { streamMBps } from './stream.js';
import { runWrk, type WrkResult } from './wrk.js';
import { wsEcho } from './ws-echo.js';

/** Where a client sends its requests for one path; `host` is the Host header it sends. */
export interface Target {
  name: PathName;
  address: string;
  port: number;
  host: string;
}

export const SETTINGS = { wrkSeconds: 5, wrkRounds: 3, wsRoundTrips: 1000, wsRounds: 3, streamBytes: 256 * 1024 * 1024, streamRounds: 3 };

/**
 * Every measure on every path, interleaved round by round so drift on a shared machine
 * hits the paths alike; each path's figure is the median of its rounds. Load goes only to
 * 127.0.0.1 and the container's bridge IP, with bounded durations and counts.
 */
export async function benchProxy(targets: readonly Target[], notes: string[], log: (line: string) => void): Promise<ProxyRow[]> {
  const url = (t: Target) => `http://${t.address}:${t.port}`;
  const wrk = new Map<PathName, WrkResult[]>();
  for (const t of targets) await runWrk(`${url(t)}/`, t.host, 1); // warm-up: JIT, pools, upstream keep-alive
  for (let round = 0; round < SETTINGS.wrkRounds; round++) {
    for (const t of targets) {
      const r = await runWrk(`${url(t)}/`, t.host, SETTINGS.wrkSeconds);
      log(`  wrk ${t.name} round ${round + 1}: ${Math.round(r.rps)} req/s, p50 ${r.p50ms} ms, p99 ${r.p99ms} ms`);
      if (r.errors.length > 0) notes.push(`wrk via ${t.name}: ${r.errors.join('; ')}`);
      wrk.set(t.name, [...(wrk.get(t.name) ?? []), r]);
    }
  }
  const echo = new Map<PathName, number[]>();
  for (let round = 0; round < SETTINGS.wsRounds; round++) {
    for (const t of targets) {
      const samples = await wsEcho(t.address, t.port, t.host, SETTINGS.wsRoundTrips);
      log(`  ws ${t.name} round ${round + 1}: p50 ${percentile(samples, 50).toFixed(3)} ms`);
      echo.set(t.name, [...(echo.get(t.name) ?? []), ...samples]);
    }
  }
  const echoP = (name: PathName, p: number) => (echo.has(name) ? percentile(echo.get(name)!, p) : undefined);
  const stream = new Map<PathName, number[]>();
  for (let round = 0; round < SETTINGS.streamRounds; round++) {
    // Caddy is a peer for the request and WebSocket rows; the stream row stays dual vs nginx.
    for (const t of targets.filter((target) => target.name !== 'caddy')) {
      const mbps = await streamMBps(url(t), t.host, SETTINGS.streamBytes);
      log(`  stream ${t.name} round ${round + 1}: ${Math.round(mbps)} MB/s`);
      stream.set(t.name, [...(stream.get(t.name) ?? []), mbps]);
    }
  }
  const row = (label: string, unit: string, pick: (name: PathName) => number | undefined): ProxyRow => ({
    label,
    unit,
    values: Object.fromEntries(targets.map((t) => [t.name, pick(t.name)])),
  });
  const wrkMedian = (name: PathName, key: keyof Omit<WrkResult, 'errors'>) => median((wrk.get(name) ?? []).map((r) => r[key]));
  const mib = SETTINGS.streamBytes / 1024 / 1024;
  return [
    row(`1 KiB GET, wrk -t1 -c32 ${SETTINGS.wrkSeconds}s, median of ${SETTINGS.wrkRounds}`, 'requests/s', (n) => wrkMedian(n, 'rps')),
    row('1 KiB GET latency p50', 'ms', (n) => wrkMedian(n, 'p50ms')),
    row('1 KiB GET latency p99', 'ms', (n) => wrkMedian(n, 'p99ms')),
    row(`WebSocket echo round trip p50, ${SETTINGS.wsRounds}x${SETTINGS.wsRoundTrips} sequential`, 'ms', (n) => echoP(n, 50)),
    row('WebSocket echo round trip p99', 'ms', (n) => echoP(n, 99)),
    row(`stream ${mib} MiB chunked (curl), median of ${SETTINGS.streamRounds}`, 'MB/s', (n) => median(stream.get(n) ?? [])),
  ];
}
