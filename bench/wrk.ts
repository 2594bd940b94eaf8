import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkResult {
  rps: number;
  p50ms: number;
  p99ms: number;
  /** Socket errors and non-2xx answers: a row with any is not a fair number. */
  errors: string[];
}

/** Small responses: `wrk -t1 -c32 --latency`, plain (no Lua), with the workspace's Host header. */
export async function runWrk(url: string, host: string, seconds: number): Promise<WrkResult> {
  const { stdout } = await run('wrk', ['-t1', '-c32', `-d${seconds}s`, '--latency', '-H', `Host: ${host}`, url], { timeout: (seconds + 20) * 1000 });
  return parseWrk(stdout);
}

export function parseWrk(text: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  const errors: string[] = [];
  const socket = /Socket errors:[^\n]*/.exec(text)?.[0];
  if (socket) errors.push(socket.trim());
  const non2xx = /Non-2xx or 3xx responses: \d+/.exec(text)?.[0];
  if (non2xx) errors.push(non2xx);
  if (!Number.isFinite(rps)) throw new Error(`could not read wrk output:\n${text}`);
  return { rps, p50ms: latency(text, '50'), p99ms: latency(text, '99'), errors };
}

/** A line of wrk's "Latency Distribution", e.g. `99%    2.31ms`, in milliseconds. */
function latency(text: string, pct: string): number {
  const m = new RegExp(`^\\s+${pct}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(text);
  if (!m) return Number.NaN;
  const scale = { us: 0.001, ms: 1, s: 1000 }[m[2] as 'us' | 'ms' | 's'];
  return Number(m[1]) * scale;
}
