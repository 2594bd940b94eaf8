import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const DUAL_BIN = fileURLToPath(new URL('../../bin/dual.js', import.meta.url));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string | Buffer;
  timeoutMs?: number;
  /** A command that runs dual as its last arguments (e.g. `unshare ... --`). */
  wrapper?: string[];
}

/** Runs the real `dual` CLI as a separate process, the way a user or an agent does. */
export function runDual(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const argv = [...(options.wrapper ?? []), process.execPath, DUAL_BIN, ...args];
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Like runDual, but fails the test with both streams when the exit code is not 0. */
export async function dualOk(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await runDual(args, options);
  if (result.code !== 0) {
    throw new Error(`dual ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result;
}
