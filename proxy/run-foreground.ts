import { homePaths } from '../src/adapters/config/home.js';
import { createPinoLog } from './logger.js';
import { claimPidFile, releasePidFile } from './pid-file.js';
import { startProxy } from './proxy.js';
import { removeState, stateFile, writeState } from './state-file.js';

export interface ForegroundOptions {
  home: string;
  ports?: number[];
  bind?: string[];
  allowRemote: boolean;
  verbose: boolean;
  /** Set for the background proxy and a login service: its log goes there (bounded, rotating-log.ts). */
  logFile?: string;
  /** `systemd`/`launchd`: a login service runs this proxy (`dual proxy install`). */
  service?: string;
}

/**
 * `dual proxy`: runs until SIGINT/SIGTERM. Holds the pid file for its whole life, so a
 * second proxy (foreground or background) refuses to start and names this one.
 */
export async function runProxyForeground(options: ForegroundOptions): Promise<number> {
  const paths = homePaths(options.home);
  claimPidFile(paths.proxyPid);
  const log = await createPinoLog({ verbose: options.verbose, logFile: options.logFile });
  if (process.send) {
    // Run by the supervisor: if it is killed, these pipes break; the proxy keeps serving.
    process.stdout.on('error', () => undefined);
    process.stderr.on('error', () => undefined);
  }
  const state = stateFile(paths);
  const startedAt = new Date().toISOString();
  // Last line of defence: a bug in one request must not take every workspace offline.
  process.on('uncaughtException', (error) => log.error('uncaught exception; still serving', { error: String(error), stack: error.stack }));
  process.on('unhandledRejection', (error) => log.error('unhandled rejection; still serving', { error: String(error) }));

  let proxy: Awaited<ReturnType<typeof startProxy>>;
  try {
    proxy = await startProxy({
      home: options.home,
      log,
      ports: options.ports,
      bind: options.bind,
      allowRemote: options.allowRemote,
      logRequests: options.verbose,
      onPortsChanged: (ports) => {
        // Before the first sync finishes `proxy` is not assigned yet; the write after start covers it.
        if (proxy) writeState(state, { pid: process.pid, ports, bind: proxy.bind(), upstream: proxy.upstreamMode(), startedAt, log: options.logFile, problems: proxy.problems(), service: options.service });
      },
    });
  } catch (error) {
    releasePidFile(paths.proxyPid);
    throw error;
  }
  writeState(state, { pid: process.pid, ports: proxy.ports(), bind: proxy.bind(), upstream: proxy.upstreamMode(), startedAt, log: options.logFile, problems: proxy.problems(), service: options.service });
  log.info('dual proxy ready', { ports: proxy.ports(), upstream: proxy.upstreamMode() });
  // The supervisor (supervisor.ts) counts a proxy as started from here on.
  process.send?.({ dual: 'ready' });

  return new Promise<number>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      log.info(`received ${signal}; closing`);
      proxy
        .close()
        .catch(() => undefined)
        .finally(() => {
          removeState(state, process.pid);
          releasePidFile(paths.proxyPid);
          resolve(0);
        });
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}
