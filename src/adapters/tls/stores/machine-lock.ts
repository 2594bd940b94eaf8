import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { DualError } from '../../../model/errors.js';

/**
 * The system store is one per machine and its update tools are not safe to run twice at
 * once: Debian's update-ca-certificates appends to a fixed `ca-certificates.crt.new`, so two
 * concurrent runs (two users' `dual trust`, two test runs) write a bundle with every
 * certificate twice and keep a removed CA. Every DUAL_HOME's `dual trust` takes this one lock
 * (in the machine's temp directory) around its system-store change.
 */
export async function withMachineLock<T>(work: () => T): Promise<T> {
  const dir = join(tmpdir(), 'dual-machine-locks');
  mkdirSync(dir, { recursive: true, mode: 0o1777 });
  const target = join(dir, 'system-ca-store');
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, {
      lockfilePath: `${target}.lock`,
      stale: 30_000,
      update: 5_000,
      retries: { retries: 600, minTimeout: 100, maxTimeout: 1_000, factor: 1.3 },
      realpath: false,
    });
  } catch (error) {
    throw new DualError(`another dual trust is changing the system store for too long (${(error as Error).message}); try again`);
  }
  try {
    return work();
  } finally {
    await release().catch(() => undefined);
  }
}
