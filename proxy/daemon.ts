import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { homePaths, type HomePaths } from '../src/adapters/config/home.js';
import { DualError } from '../src/model/errors.js';
import { DUAL_BIN } from './dual-bin.js';
import { isAlive, isStillHolder, readLiveHolder, signalHolder, type PidHolder } from './pid-file.js';
import { readState, stateFile, type ProxyState } from './state-file.js';
import { readSupervisorState, supervisorPidFile, supervisorStateFile, type SupervisorState } from './supervisor-state.js';

/**
 * The background proxy: `dual proxy start|stop|status` and `dual create`'s auto-start.
 * `start` runs a supervisor (`dual proxy supervise`, supervisor.ts), detached, which runs
 * `dual proxy` as its child and restarts it when it dies. Each keeps a pid file naming it by
 * pid and identity (pid-file.ts), so a stale file never names an unrelated process.
 */
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 8_000;

export interface ProxyStatus {
  running: boolean;
  pid?: number;
  ports: number[];
  bind: string[];
  upstream?: string;
  startedAt?: string;
  log: string;
  problems: string[];
  /** `systemd`/`launchd` when a login service runs it. */
  service?: string;
  supervisor?: {
    running: boolean;
    pid: number;
    restarts: number;
    lastExit?: SupervisorState['lastExit'];
    /** Why it ended, when it is not running (gave up, stopped). */
    ended?: string;
  };
}

export function proxyStatus(home: string): ProxyStatus {
  const paths = homePaths(home);
  const pid = readLiveHolder(paths.proxyPid)?.pid;
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
    service: current?.service,
    supervisor: supervisorSummary(paths),
  };
}

function supervisorSummary(paths: HomePaths): ProxyStatus['supervisor'] {
  const state = readSupervisorState(supervisorStateFile(paths));
  if (!state) return undefined;
  const running = readLiveHolder(supervisorPidFile(paths))?.pid === state.pid;
  return { running, pid: state.pid, restarts: state.restarts, lastExit: state.lastExit, ended: running ? undefined : state.ended };
}

export interface StartOptions {
  ports?: number[];
  bind?: string[];
  allowRemote?: boolean;
  verbose?: boolean;
}

/** Starts the supervised background proxy unless one runs; resolves once it listens. */
export async function ensureProxyRunning(home: string, options: StartOptions = {}): Promise<{ started: boolean; pid: number }> {
  const paths = homePaths(home);
  const running = readLiveHolder(paths.proxyPid);
  if (running !== undefined) return { started: false, pid: running.pid };
  // A supervisor between a death and the restart: its proxy is on the way.
  const supervisor = readLiveHolder(supervisorPidFile(paths));
  if (supervisor !== undefined) {
    const pid = await waitForReady(paths, supervisor.pid, () => isStillHolder(supervisor));
    if (pid !== undefined) return { started: false, pid };
  }

  mkdirSync(paths.logs, { recursive: true });
  const logFd = openSync(paths.proxyLog, 'a');
  const args = [DUAL_BIN, 'proxy', 'supervise', ...proxyArgs(options)];
  const child = spawn(process.execPath, args, {
    detached: true,
    // Only a crash of the supervisor itself writes here; it logs through appendLogLine.
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, DUAL_HOME: home },
    // Not the caller's directory: a worktree that is later removed must not be held open.
    cwd: home,
  });
  closeSync(logFd);
  let exited = false;
  child.once('exit', () => (exited = true));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new DualError(`could not start \`${process.execPath} ${args.join(' ')}\``);

  const ready = await waitForReady(paths, pid, () => !exited && isAlive(pid));
  if (ready !== undefined) return { started: true, pid: ready };
  // Lost a race with another start: that supervisor's proxy is the proxy now.
  const other = readLiveHolder(supervisorPidFile(paths));
  if (other !== undefined && other.pid !== pid) {
    const otherReady = await waitForReady(paths, other.pid, () => isStillHolder(other));
    if (otherReady !== undefined) return { started: false, pid: otherReady };
  }
  const proxy = readLiveHolder(paths.proxyPid);
  if (proxy !== undefined) return { started: false, pid: proxy.pid };
  const ended = readSupervisorState(supervisorStateFile(paths));
  const reason = ended?.pid === pid && ended.ended ? ended.ended.replace(/^the proxy could not start: /, '') : lastLine(paths.proxyLog);
  throw new DualError(`the proxy exited at start: ${reason} (log: ${paths.proxyLog})`);
}

/**
 * Polls until supervisor `supervisorPid` reports its proxy ready (resolves the proxy's pid),
 * or `alive()` turns false (undefined). Throws after START_TIMEOUT_MS.
 */
async function waitForReady(paths: HomePaths, supervisorPid: number, alive: () => boolean): Promise<number | undefined> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (let delay = 20; ; delay = Math.min(delay * 2, 200)) {
    const state = readSupervisorState(supervisorStateFile(paths));
    if (state?.pid === supervisorPid && state.ready && state.proxyPid !== undefined && readLiveHolder(paths.proxyPid)?.pid === state.proxyPid) {
      return state.proxyPid;
    }
    if (!alive()) return undefined;
    if (Date.now() > deadline) {
      throw new DualError(`the proxy (supervisor pid ${supervisorPid}) did not start listening within ${START_TIMEOUT_MS / 1000} s; see ${paths.proxyLog}`);
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

export interface StopResult {
  stopped: boolean;
  pid?: number;
  supervisorPid?: number;
  service?: string;
}

/**
 * Stops the supervisor (which stops its proxy for good), then any proxy still running
 * without one (a foreground `dual proxy`, or one whose supervisor was killed). Only
 * processes whose pid files still name them are signalled.
 */
export async function stopProxy(home: string): Promise<StopResult> {
  const paths = homePaths(home);
  const supervisor = readLiveHolder(supervisorPidFile(paths));
  const proxy = readLiveHolder(paths.proxyPid);
  const service = proxy ? readState(stateFile(paths))?.service : undefined;
  if (supervisor) await terminate(supervisor);
  // The supervisor's proxy is gone with it; an unsupervised one (or a new one) is stopped here.
  const left = readLiveHolder(paths.proxyPid);
  if (left) await terminate(left);
  if (!supervisor && !proxy && !left) return { stopped: false };
  return { stopped: true, pid: (proxy ?? left)?.pid, supervisorPid: supervisor?.pid, service };
}

async function terminate(holder: PidHolder): Promise<void> {
  if (!signalHolder(holder, 'SIGTERM')) return;
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  for (let delay = 20; isStillHolder(holder); delay = Math.min(delay * 2, 200)) {
    if (Date.now() > deadline) {
      signalHolder(holder, 'SIGKILL');
      return;
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** The arguments after `dual proxy` that carry these options (to the supervisor and on to the proxy). */
export function proxyArgs(options: StartOptions): string[] {
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
