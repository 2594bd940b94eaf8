import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../../src/adapters/context.js';
import { homeFilters, LABEL } from '../../src/model/labels.js';
import { slugify } from '../../src/model/naming.js';
import { readSetupState, SETUP_STATE_FILE, setupStateDir } from '../../src/model/setup-state.js';
import { isInside } from '../tree-copy.js';
import { seedKey, type SeedCandidate } from './key.js';

/** A place a seeded directory can be copied from: another workspace of the repo, or dual's cache. */
export interface SeedSource extends SeedCandidate {
  /** Root the directory sits under at the same relative path (a worktree, or a cache entry). */
  root: string;
  /** The workspace's id (workspaces only): its volume is found by it in volume mode. */
  workspace?: string;
}

/** A key file may be a big lockfile, never an unbounded one. */
const KEY_FILE_MAX_BYTES = 64 * 1024 * 1024;

export function seedCacheDir(home: string, repo: string, dir: string): string {
  return join(home, 'cache', 'seed', repo, slugify(dir) || 'root');
}

/**
 * The key of `dir` in `root` (a worktree), or why it has none: a key file missing, not a
 * regular file, outside the worktree (a parent symlink) or too big. Read with O_NOFOLLOW and
 * O_NONBLOCK (a FIFO planted by a branch must not hang dual).
 */
export function keyOf(root: string, dir: string, image: string, keyFiles: readonly string[]): { key: string } | { problem: string } {
  const files: Array<{ name: string; content: Buffer }> = [];
  for (const name of keyFiles) {
    const path = join(root, name);
    let fd: number;
    try {
      if (!isInside(realpathSync(root), realpathSync(path))) return { problem: `key file ${name} leads outside the worktree` };
      fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      return { problem: `key file ${name} is missing` };
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) return { problem: `key file ${name} is not a regular file` };
      if (stat.size > KEY_FILE_MAX_BYTES) return { problem: `key file ${name} is over ${KEY_FILE_MAX_BYTES / 1024 / 1024} MiB` };
      const content = Buffer.alloc(stat.size);
      let length = 0;
      for (let n; length < content.length && (n = readSync(fd, content, length, content.length - length, null)) > 0; ) length += n;
      files.push({ name, content: content.subarray(0, length) });
    } finally {
      closeSync(fd);
    }
  }
  return { key: seedKey(dir, image, files) };
}

/**
 * Every source `dir` could be copied from: the repo's other workspaces of this DUAL_HOME whose
 * setup succeeded and that hold the directory (a real directory, not a symlink; in volume mode,
 * their volume), and the entries of dual's cache (worktree mode only).
 */
export async function seedSources(
  ctx: Context,
  target: { id: string; repo: string },
  dir: string,
  keyFiles: readonly string[],
  inVolume: boolean,
): Promise<SeedSource[]> {
  const sources: SeedSource[] = [];
  const containers = await ctx.docker.listContainers(homeFilters(ctx.paths.home, `${LABEL.repo}=${target.repo}`));
  const volumes = inVolume ? await ctx.docker.listVolumes(homeFilters(ctx.paths.home, `${LABEL.repo}=${target.repo}`, `${LABEL.volume}=${dir}`)) : [];
  for (const c of containers) {
    const id = c.labels[LABEL.workspace];
    const worktree = c.labels[LABEL.worktree];
    if (!id || !worktree || id === target.id || LABEL.attached in c.labels) continue;
    const stateDir = setupStateDir(ctx.paths.home, id);
    if (readSetupState(stateDir).kind !== 'ok') continue;
    if (inVolume ? !volumes.some((v) => v.labels[LABEL.workspace] === id && !(LABEL.attached in v.labels)) : !isDirectory(join(worktree, dir))) continue;
    const key = keyOf(worktree, dir, c.image, keyFiles);
    sources.push({
      origin: `workspace ${id}`,
      kind: 'workspace',
      key: 'key' in key ? key.key : undefined,
      updatedAt: mtime(join(stateDir, SETUP_STATE_FILE)),
      root: worktree,
      workspace: id,
    });
  }
  if (!inVolume) sources.push(...cacheEntries(seedCacheDir(ctx.paths.home, target.repo, dir), dir));
  return sources;
}

function cacheEntries(cacheDir: string, dir: string): SeedSource[] {
  let names: string[];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return [];
  }
  return names
    .filter((key) => /^[0-9a-f]{64}$/.test(key) && isDirectory(join(cacheDir, key, dir)))
    .map((key) => {
      const meta = readMeta(join(cacheDir, key, 'meta.json'));
      return { origin: `dual's cache (saved from ${meta.from})`, kind: 'cache' as const, key, updatedAt: meta.savedAt, root: join(cacheDir, key) };
    });
}

export function readMeta(file: string): { from: string; savedAt: number } {
  try {
    const meta = JSON.parse(readFileSync(file, 'utf8')) as { from?: unknown; savedAt?: unknown };
    return { from: typeof meta.from === 'string' ? meta.from : 'unknown', savedAt: typeof meta.savedAt === 'number' ? meta.savedAt : 0 };
  } catch {
    return { from: 'unknown', savedAt: 0 };
  }
}

export function isDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function mtime(path: string): number {
  try {
    return lstatSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
