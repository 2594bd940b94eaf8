import { spawn } from 'node:child_process';

export interface TimedRun {
  ms: number;
  code: number | null;
  stderr: string;
}

/**
 * Runs a command to completion and returns its wall time, the way a caller (an agent, a
 * shell) experiences it: process spawn to exit. stdout is discarded.
 */
export function timedRun(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: env ? { ...process.env, ...env } : process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code, stderr }));
  });
}

/** Like timedRun, but a non-zero exit is a bench failure naming the command. */
export async function timedOk(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<number> {
  const run = await timedRun(command, args, env);
  if (run.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.code}: ${run.stderr.trim()}`);
  return run.ms;
}
