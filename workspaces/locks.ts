import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { DualError } from '../src/model/errors.js';

/**
 * Cross-process locks (proper-lockfile: atomic mkdir + mtime refresh, stale locks of dead
 * processes are taken over). One per workspace id serialises creates/destroys of the same
 * workspace; one per repo serialises git worktree changes, which git itself does not guard.
 */
export async function withLock<T>(locksDir: string, name: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(locksDir, { recursive: true });
  const target = join(locksDir, name);
  let release: () => Promise<void>;
  try {
    // Each lock gets its own target path: proper-lockfile tracks held locks by that path,
    // so sharing one would make a nested lock wait for the outer one to go stale.
    release = await lockfile.lock(target, {
      lockfilePath: `${target}.lock`,
      stale: 15_000,
      update: 5_000,
      retries: { retries: 600, minTimeout: 50, maxTimeout: 500, factor: 1.3 },
      realpath: false,
    });
  } catch (error) {
    // A home that cannot be written is not a busy lock (src/report.ts names the home).
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new DualError(`another dual process holds ${name} for too long (${(error as Error).message}); try again`);
  }
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}
