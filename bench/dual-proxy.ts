import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import type { BenchEnv } from './bench-env.js';
import { stopChild } from '../test/helpers/processes.js';

export interface RunningProxy {
  /** The proxy's process (its CPU is read around page loads). */
  pid: number | undefined;
  /** Why it is no longer running (e.g. `exited with code 1`), or undefined while it runs. */
  exited(): string | undefined;
  stop(): Promise<void>;
  logTail(): string;
}

/**
 * The proxy exactly as a user runs it: `dual proxy --port <p>` in the foreground, as its own
 * process (on 2 cores, where it runs matters). DUAL_BENCH_PROXY_CMD replaces the command
 * (e.g. to compare another data-path build); `--port <p>` per port is appended either way.
 * Its pid goes to <BENCH_TMP>/proxy.pid so scripts/bench.sh can kill it if Node dies.
 */
export function startDualProxy(env: BenchEnv, ports: readonly number[]): RunningProxy {
  const log = env.path('proxy.log');
  const out = openSync(log, 'a');
  const custom = process.env.DUAL_BENCH_PROXY_CMD?.split(' ').filter(Boolean);
  const [command, ...args] = custom ?? [process.execPath, env.dualBin, 'proxy'];
  const child: ChildProcess = spawn(command!, [...args, ...ports.flatMap((p) => ['--port', String(p)])], {
    env: { ...process.env, ...env.env },
    stdio: ['ignore', out, out],
  });
  writeFileSync(env.path('proxy.pid'), String(child.pid));
  return {
    pid: child.pid,
    exited: () =>
      child.exitCode !== null ? `exited with code ${child.exitCode}` : child.signalCode !== null ? `was killed by ${child.signalCode}` : undefined,
    logTail: () => readFileSync(log, 'utf8').split('\n').slice(-15).join('\n'),
    stop: () => stopChild(child),
  };
}
