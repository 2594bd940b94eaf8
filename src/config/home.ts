import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Everything dual keeps on the host lives under DUAL_HOME (default ~/.dual):
 *   config.json              registered repos and dual's own settings
 *   worktrees/<repo>/<slug>  the worktrees dual creates
 *   logs/                    proxy log
 *   run/                     proxy pid file, locks
 *   state/                   markers (e.g. setup completed for a container)
 * Tests point DUAL_HOME at a temp dir.
 */
export function dualHome(env: NodeJS.ProcessEnv = process.env): string {
  // Absolute, so the dual.home label is the same whichever directory a command runs from.
  return resolve(env.DUAL_HOME && env.DUAL_HOME.length > 0 ? env.DUAL_HOME : join(homedir(), '.dual'));
}

export function homePaths(home: string = dualHome()) {
  return {
    home,
    config: join(home, 'config.json'),
    worktrees: join(home, 'worktrees'),
    logs: join(home, 'logs'),
    run: join(home, 'run'),
    locks: join(home, 'run', 'locks'),
    state: join(home, 'state'),
    proxyPid: join(home, 'run', 'proxy.pid'),
    proxyLog: join(home, 'logs', 'proxy.log'),
  };
}

export type HomePaths = ReturnType<typeof homePaths>;
