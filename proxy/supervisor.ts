import { spawn, type ChildProcess } from 'node:child_process';
import { homePaths } from '../src/adapters/config/home.js';
import { DUAL_BIN } from './dual-bin.js';
import { claimPidFile, readLivePid, releasePidFile } from './pid-file.js';
import { decideRestart, DEFAULT_RESTART_POLICY, describeExit, type RestartPolicy } from './restart-policy.js';
import { appendLogLine } from './rotating-log.js';
import { supervisorPidFile, supervisorStateFile, writeSupervisorState, type SupervisorState } from './supervisor-state.js';

/** How long a proxy gets to close its listeners after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5_000;

export interface SupervisorOptions {
  home: string;
  /** Arguments after `dual proxy` for the supervised proxy (--port, --bind, ...). */
  proxyArgs: string[];
  policy?: RestartPolicy;
}

/**
 * `dual proxy start` runs this detached: a small node process that runs `dual proxy` as its
 * child and starts it again when it dies (kill -9, a crash), with backoff and a limit
 * (restart-policy.ts). Why a separate process and not the proxy re-executing itself: a
 * process cannot restart itself after SIGKILL. It stays small (no Docker, no HTTP) so it
 * has little reason to die itself; if it does, the proxy keeps serving, unsupervised.
 *
 * It ends, stopping the proxy, on SIGTERM/SIGINT (`dual proxy stop`); it ends by itself when
 * the proxy never got ready (a start-up error: restarting cannot fix it), exits cleanly, or
 * keeps dying. Either way `dual proxy status` can tell why (run/proxy-supervisor.json).
 */
export function runSupervisor(options: SupervisorOptions): Promise<number> {
  const paths = homePaths(options.home);
  const policy = options.policy ?? DEFAULT_RESTART_POLICY;
  const pidFile = supervisorPidFile(paths);
  const stateFile = supervisorStateFile(paths);
  claimPidFile(pidFile, 'a dual proxy supervisor');

  const log = (level: 'info' | 'warn' | 'error', msg: string) =>
    appendLogLine(paths.proxyLog, JSON.stringify({ level: LEVELS[level], time: Date.now(), pid: process.pid, name: 'supervisor', msg }));
  const state: SupervisorState = { pid: process.pid, startedAt: new Date().toISOString(), ready: false, restarts: 0 };
  const save = () => writeSupervisorState(stateFile, state);
  save();

  let child: ChildProcess | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  let everReady = false;
  let rapidFailures = 0;
  let lastWords = '';

  return new Promise<number>((resolve) => {
    const finish = (code: number, reason: string) => {
      state.ended = reason;
      state.proxyPid = undefined;
      state.ready = false;
      save();
      log(code === 0 ? 'info' : 'error', reason);
      releasePidFile(pidFile);
      resolve(code);
    };

    const startProxy = () => {
      restartTimer = undefined;
      // A foreground `dual proxy` took the ports while this one was down: it serves; stand down.
      const other = readLivePid(paths.proxyPid);
      if (other !== undefined) return finish(1, `another proxy (pid ${other}) serves this DUAL_HOME now; the supervisor stops`);
      const startedAt = Date.now();
      lastWords = '';
      const proc = spawn(process.execPath, [DUAL_BIN, 'proxy', ...options.proxyArgs], {
        cwd: paths.home,
        env: { ...process.env, DUAL_HOME: paths.home, DUAL_PROXY_LOG: paths.proxyLog },
        // Its log goes to the rotating file itself; stray output (a Node crash report) comes here.
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      child = proc;
      state.proxyPid = proc.pid;
      state.ready = false;
      save();
      proc.stdout?.on('data', (chunk: Buffer) => appendLogLine(paths.proxyLog, chunk.toString()));
      proc.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        appendLogLine(paths.proxyLog, text);
        lastWords = text.trim().split('\n').pop()?.replace(/^dual: /, '') || lastWords;
      });
      proc.on('message', (message: { dual?: string }) => {
        if (message?.dual !== 'ready') return;
        everReady = true;
        state.ready = true;
        save();
        log('info', `proxy ready (pid ${proc.pid})`);
      });
      proc.once('error', (error) => {
        if (proc.pid === undefined) finish(1, `cannot run \`${process.execPath} ${DUAL_BIN} proxy\`: ${error.message}`);
      });
      proc.once('exit', (code, signal) => onExit(proc, Date.now() - startedAt, code, signal));
    };

    const onExit = (proc: ChildProcess, uptimeMs: number, code: number | null, signal: NodeJS.Signals | null) => {
      child = undefined;
      state.lastExit = { code, signal, at: new Date().toISOString(), uptimeMs };
      state.proxyPid = undefined;
      state.ready = false;
      if (stopping) return; // stop() finishes
      const how = describeExit(code, signal);
      if (!everReady) return finish(1, `the proxy could not start: ${lastWords || `it exited with ${how}`}`);
      if (code === 0 && signal === null) return finish(0, 'the proxy exited by itself (code 0, someone stopped it); not restarted');
      const decision = decideRestart(rapidFailures, uptimeMs, policy);
      rapidFailures = decision.rapidFailures;
      if (decision.kind === 'give-up') {
        return finish(1, `the proxy died ${rapidFailures} times in a row within ${policy.stableMs / 1000} s of starting (last: ${how}); gave up; see ${paths.proxyLog}, then run \`dual proxy start\``);
      }
      state.restarts += 1;
      save();
      log('warn', `the proxy (pid ${proc.pid}) died (${how}) after ${Math.round(uptimeMs / 100) / 10} s; restarting in ${decision.delayMs} ms (restart ${state.restarts})`);
      restartTimer = setTimeout(startProxy, decision.delayMs);
    };

    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      log('info', `received ${signal}; stopping the proxy`);
      const proc = child;
      if (!proc) return finish(0, 'stopped by `dual proxy stop`');
      const kill = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
      proc.once('exit', () => {
        clearTimeout(kill);
        finish(0, 'stopped by `dual proxy stop`');
      });
      proc.kill('SIGTERM');
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    // Detached in its own session, but a terminal's hangup must never end supervision.
    process.on('SIGHUP', () => undefined);
    startProxy();
  });
}

/** pino's numeric levels, so `lastLine` and log readers treat both writers alike. */
const LEVELS = { info: 30, warn: 40, error: 50 } as const;
