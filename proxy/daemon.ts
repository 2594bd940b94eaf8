import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { homePaths } from '../src/config/home.js';
import { DualError } from '../src/errors.js';
import { isAlive, readLivePid } from './pid-file.js';
import { readState, stateFile, type ProxyState } from './state-file.js';

/**
 * The background proxy: `dual proxy start|stop|status` and `dual create`'s auto-start.
 * The background proxy is just `node bin/dual.js proxy`, detached, output appended to the
 * log file; it keeps its own pid and state files (run-foreground.ts).
 */

/** bin/dual.js. From the bundle (dist/*.js) and from source (proxy/*.ts) it is one level up. */
const DUAL_BIN = fileURLToPath(new URL('../bin/dual.js', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface ProxyStatus {
  running: boolean;
  pid?: number;
  ports: number[];
  bind: string[];
  upstream?: string;
  startedAt?: string;
  log: string;
  problems: string[];
}

export function proxyStatus(home: string): ProxyStatus {
  const paths = homePaths(home);
  const pid = readLivePid(paths.proxyPid);
  const state = pid === undefined ? undefined : readState(stateFile(paths));
  const current = state?.pid === pid ? state : undefined;
  return {
    running: pid !== undefined,
    pid,
    ports: current?.ports ?? [],
    bind: current?.bind ?? [],
    upstream: current?.upstream,
    startedAt: current?.startedAt,
    log: paths.proxyLog,
    problems: current?.problems ?? [],
  };
}

export interface StartOptions {
  ports?: number[];
  bind?: string[];
  allowRemote?: boolean;
  verbose?: boolean;
}

/** Starts the background proxy unless one runs; resolves once it listens. */
export async function ensureProxyRunning(home: string, options: StartOptions = {}): Promise<{ started: boolean; pid: number }> {
  const paths = homePaths(home);
  const running = readLivePid(paths.proxyPid);
  if (running !== undefined) return { started: false, pid: running };

  mkdirSync(paths.logs, { recursive: true });
  const logFd = openSync(paths.proxyLog, 'a');
  const args = [DUAL_BIN, 'proxy', ...flags(options)];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, DUAL_HOME: home, DUAL_PROXY_LOG: paths.proxyLog },
    // Not the caller's directory: a worktree that is later removed must not be held open.
    cwd: home,
  });
  closeSync(logFd);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new DualError(`could not start \`${process.execPath} ${args.join(' ')}\``);

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (let delay = 20; ; delay = Math.min(delay * 2, 200)) {
    if (readState(stateFile(paths))?.pid === pid) return { started: true, pid };
    if (exited !== undefined || !isAlive(pid)) {
      // Lost a race with another start: that one is the proxy now.
      const other = readLivePid(paths.proxyPid);
      if (other !== undefined && other !== pid) return { started: false, pid: other };
      throw new DualError(`the proxy exited at start: ${lastLine(paths.proxyLog)} (log: ${paths.proxyLog})`);
    }
    if (Date.now() > deadline) throw new DualError(`the proxy (pid ${pid}) did not start listening within ${START_TIMEOUT_MS / 1000} s; see ${paths.proxyLog}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

export async function stopProxy(home: string): Promise<{ stopped: boolean; pid?: number }> {
  const paths = homePaths(home);
  const pid = readLivePid(paths.proxyPid);
  if (pid === undefined) return { stopped: false };
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  for (let delay = 20; isAlive(pid); delay = Math.min(delay * 2, 200)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, delay));
  }
  return { stopped: true, pid };
}

function flags(options: StartOptions): string[] {
  const out: string[] = [];
  if (options.ports?.length) out.push('--port', ...options.ports.map(String));
  if (options.bind?.length) out.push('--bind', ...options.bind);
  if (options.allowRemote) out.push('--allow-remote');
  if (options.verbose) out.push('--verbose');
  return out;
}

/** The proxy's own last words: a DualError line ("dual: ...") or pino's JSON msg. */
function lastLine(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    const last = lines[lines.length - 1] ?? '';
    try {
      return (JSON.parse(last) as { msg?: string }).msg ?? last;
    } catch {
      return last.replace(/^dual: /, '');
    }
  } catch {
    return 'no log';
  }
}

export type { ProxyState };
