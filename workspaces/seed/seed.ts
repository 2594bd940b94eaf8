import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { WorkspaceConfig } from '../../src/adapters/config/dual-json.js';
import { loadSettings } from '../../src/adapters/config/settings.js';
import type { Context } from '../../src/adapters/context.js';
import { volumeName } from '../../src/model/naming.js';
import { DEFAULT_REGENERABLE, isRegenerable } from '../regenerable.js';
import { copyTree } from '../tree-copy.js';
import { copyVolume } from '../volume-copy.js';
import { chooseSeed } from './key.js';
import { keyOf, seedSources, type SeedSource } from './sources.js';

/** A node_modules is big, never unbounded. */
const SEED_LIMITS = { maxFiles: 2_000_000, maxBytes: 32 * 1024 * 1024 * 1024 };

/**
 * `seed` in `.dual.json`: before the new container's setup runs, each listed dependency
 * directory starts as a copy of the same directory of another workspace of the repo (or of
 * dual's cache), chosen by key.ts: setup then has (nearly) nothing to download. Where the
 * directory lives decides how: in the worktree (the Linux default) dual copies it on the host
 * (tree-copy.ts: reflinks where possible, never hard links, nothing followed out of the
 * source); in a named volume a helper container copies volume to volume (volume-copy.ts).
 * Only directories dual treats as regenerable (node_modules, .venv, target, ...) are seeded:
 * the copy comes from another branch, and must not carry that branch's private files.
 * Seeding never fails a create: a problem is one line, and setup installs as without a seed.
 * Returns the directories seeded in the worktree (for a rollback).
 */
export async function seedDirectories(
  ctx: Context,
  ws: { id: string; repo: string; worktree: string },
  config: WorkspaceConfig,
  image: string,
): Promise<string[]> {
  const seeded: string[] = [];
  const settings = loadSettings(ctx.paths.config);
  const regenerable = [...DEFAULT_REGENERABLE, ...settings.destroy.regenerable];
  const hardLinks = settings.seed.hardLinks;
  for (const [dir, keyFiles] of Object.entries(config.seed)) {
    const say = (what: string) => ctx.log(`dual: seed ${dir}: ${what}`);
    if (!isRegenerable(dir, regenerable)) {
      say(`not seeded: only dependency and build directories (node_modules, .venv, target, ... or destroy.regenerable in ${ctx.paths.config}) are seeded, since the copy comes from another branch`);
      continue;
    }
    const key = keyOf(ws.worktree, dir, image, keyFiles);
    if ('problem' in key) {
      say(`not seeded: ${key.problem}; commit it, or fix "seed" in .dual.json`);
      continue;
    }
    const inVolume = config.volumes.includes(dir);
    if (!inVolume && !isEmptyOrMissing(join(ws.worktree, dir))) {
      say('not seeded: the worktree already has it');
      continue;
    }
    const choice = chooseSeed(await seedSources(ctx, ws, dir, keyFiles, inVolume), key.key);
    if (!choice) {
      say('no seed yet (no other workspace of the repo has set it up); setup installs it');
      continue;
    }
    const started = performance.now();
    try {
      if (!inVolume) seeded.push(dir);
      const linked = hardLinks && !inVolume;
      const skipped = await copySeed(ctx, ws, dir, choice.candidate, { image, inVolume, linked });
      const how = choice.exact ? 'same key files' : 'nearest: key files differ, setup brings it up to date';
      if (dir.split('/').pop() === 'node_modules' && /\bnpm ci\b/.test(config.setup ?? '')) {
        say('note: `npm ci` deletes node_modules before it installs, so the seed saves no time with it; `npm install` keeps it and installs only what differs');
      }
      say(`${linked ? 'hard-linked' : 'copied'} from ${choice.candidate.origin} (${how}) in ${((performance.now() - started) / 1000).toFixed(1)} s${skipped.length > 0 ? `; left out ${skipped.slice(0, 3).join(', ')}` : ''}`);
    } catch (error) {
      say(`not seeded: ${(error as Error).message.split('\n')[0]}; setup installs it`);
    }
  }
  return seeded;
}

async function copySeed(
  ctx: Context,
  ws: { id: string; repo: string; worktree: string },
  dir: string,
  source: SeedSource,
  how: { image: string; inVolume: boolean; linked: boolean },
): Promise<string[]> {
  if (how.inVolume && source.workspace) {
    await copyVolume(ctx, { from: volumeName(source.workspace, dir), to: volumeName(ws.id, dir), image: how.image, workspace: ws.id, repo: ws.repo });
    return [];
  }
  const link = how.linked ? (path: string) => linkable(dir, path) : undefined;
  return (await copyTree(source.root, ws.worktree, dir, { linkRoot: ws.worktree, hash: false, link, ...SEED_LIMITS })).skipped;
}

/**
 * With `seed.hardLinks`, which files of a seeded directory are linked: not its top-level
 * dot entries, which tools write in place (npm's hidden lockfile `.package-lock.json`, which
 * npm rewrites on every install; caches such as `.vite/` and `.cache/`): those are copied.
 */
export function linkable(dir: string, path: string): boolean {
  const inner = relative(dir, path).split(sep)[0] ?? '';
  return inner !== '' && inner !== '..' && !inner.startsWith('.');
}

function isEmptyOrMissing(path: string): boolean {
  try {
    return readdirSync(path).length === 0;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
