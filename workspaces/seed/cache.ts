import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadDualJson } from '../../src/adapters/config/dual-json.js';
import type { Context } from '../../src/adapters/context.js';
import { readSetupState, setupStateDir } from '../../src/model/setup-state.js';
import { isDirectory, keyOf, readMeta, seedCacheDir } from './sources.js';

/** Entries kept per repo and directory: a few lockfile versions, not a disk's worth. */
export const SEED_CACHE_ENTRIES = 3;

/**
 * `dual destroy` of a workspace whose setup succeeded: each seeded directory is about to be
 * deleted with the worktree; instead it is moved (a rename, no copy) into dual's cache,
 * `$DUAL_HOME/cache/seed/<repo>/<dir>/<key>/`, so the next branch with the same key files
 * starts from it even when no workspace holds it any more. Its container is already removed,
 * so nothing writes into it. The oldest entries beyond SEED_CACHE_ENTRIES are deleted.
 */
export function saveSeedsToCache(ctx: Context, ws: { id: string; repo: string; worktree: string }, image: string): void {
  if (readSetupState(setupStateDir(ctx.paths.home, ws.id)).kind !== 'ok') return;
  let seed: Record<string, string[]>;
  try {
    seed = loadDualJson(ws.worktree).seed;
  } catch {
    return;
  }
  for (const [dir, keyFiles] of Object.entries(seed)) {
    const from = join(ws.worktree, dir);
    if (!isDirectory(from) || readdirSync(from).length === 0) continue;
    const key = keyOf(ws.worktree, dir, image, keyFiles);
    if (!('key' in key)) continue;
    const cacheDir = seedCacheDir(ctx.paths.home, ws.repo, dir);
    const entry = join(cacheDir, key.key);
    if (isDirectory(entry)) continue;
    const staging = join(cacheDir, `.saving-${process.pid}-${Date.now()}`);
    try {
      mkdirSync(dirname(join(staging, dir)), { recursive: true });
      renameSync(from, join(staging, dir));
      writeFileSync(join(staging, 'meta.json'), JSON.stringify({ from: ws.id, savedAt: Date.now() }));
      renameSync(staging, entry);
      ctx.log(`dual: kept ${dir} of ${ws.id} in the seed cache for the next branch with the same key files`);
    } catch {
      // Another filesystem (EXDEV) or a race with another destroy: the directory is deleted with the worktree.
      rmSync(staging, { recursive: true, force: true });
    }
    evictOldest(cacheDir);
  }
}

function evictOldest(cacheDir: string): void {
  const entries = readdirSync(cacheDir)
    .filter((name) => /^[0-9a-f]{64}$/.test(name))
    .map((name) => ({ name, savedAt: readMeta(join(cacheDir, name, 'meta.json')).savedAt }))
    .sort((a, b) => b.savedAt - a.savedAt);
  for (const old of entries.slice(SEED_CACHE_ENTRIES)) rmSync(join(cacheDir, old.name), { recursive: true, force: true });
}
