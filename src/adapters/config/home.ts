import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { DualError } from '../../model/errors.js';

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
  // Absolute and real (symlinks resolved), so the dual.home label is the same whichever way
  // the home is named, and paths git and Docker report (real ones) compare with it: the
  // "is this worktree dual's?" checks of destroy and list must hold for a symlinked home too.
  return realPath(resolve(env.DUAL_HOME && env.DUAL_HOME.length > 0 ? env.DUAL_HOME : join(homedir(), '.dual')));
}

/** realpath of what exists; a part not made yet is appended as is. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPath(parent), basename(path));
  }
}

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);

/**
 * A failed write under DUAL_HOME (read-only, full, owned by another user) as one line that
 * names the home and what to do, instead of a bare `EROFS: ... open '.../run/locks'`.
 */
export function homeWriteError(error: unknown, home: string): DualError | undefined {
  const { path, syscall } = (error ?? {}) as { code?: string; path?: string; syscall?: string };
  let { code } = (error ?? {}) as { code?: string };
  if (!code || !path || !(path === home || path.startsWith(home + '/'))) return undefined;
  // Node's recursive mkdir reports ENOENT on a read-only file system: ask the filesystem.
  if (code === 'ENOENT' && syscall === 'mkdir') code = writeProblem(path);
  if (!code || !NOT_WRITABLE.has(code)) return undefined;
  const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full' : 'it is not writable';
  return new DualError(`cannot write to DUAL_HOME ${home} (${code} on ${path}): ${why}; fix that or point DUAL_HOME at another directory`);
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

/** The error writing into the nearest existing parent of `path` would give, if any. */
function writeProblem(path: string): string | undefined {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (!existsSync(dir)) continue;
    try {
      accessSync(dir, constants.W_OK);
      return undefined;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code;
    }
  }
}
