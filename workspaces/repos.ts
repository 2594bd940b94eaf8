import { existsSync, realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { loadSettings, saveSettings } from '../src/adapters/config/settings.js';
import { DualError } from '../src/model/errors.js';
import { slugify, validateRepoName } from '../src/model/naming.js';
import type { Context } from '../src/adapters/context.js';
import { withLock } from './locks.js';

export interface RegisteredRepo {
  name: string;
  path: string;
}

/** `dual add <path> [--name]`: registers a git repo under a name used in workspace ids. */
export async function addRepo(ctx: Context, pathArg: string, name?: string): Promise<RegisteredRepo> {
  const given = resolve(pathArg);
  if (!existsSync(given)) throw new DualError(`${given} does not exist; give the path of a git repository`);
  const main = await ctx.git.mainWorktree(realpathSync(given));
  if (!main) throw new DualError(`${given} is not inside a git repository; run \`git init\` there first or give another path`);
  const repoName = name ?? slugify(basename(main));
  const problem = validateRepoName(repoName);
  if (problem) throw new DualError(`${problem}; choose one with --name`);
  return withLock(ctx.paths.locks, 'settings', async () => {
    const settings = loadSettings(ctx.paths.config);
    const existing = settings.repos[repoName];
    if (existing && existing.path !== main) {
      throw new DualError(`a repo named '${repoName}' is already registered at ${existing.path}; choose another name with --name`);
    }
    const other = Object.entries(settings.repos).find(([n, r]) => r.path === main && n !== repoName);
    if (other) throw new DualError(`${main} is already registered as '${other[0]}'`);
    settings.repos[repoName] = { path: main };
    saveSettings(ctx.paths.config, settings);
    return { name: repoName, path: main };
  });
}

export function getRepo(ctx: Context, name: string): RegisteredRepo {
  const settings = loadSettings(ctx.paths.config);
  const repo = settings.repos[name];
  if (!repo) {
    const known = Object.keys(settings.repos);
    const hint = known.length ? ` (registered: ${known.join(', ')})` : '';
    throw new DualError(`no repo named '${name}'${hint}; register it with \`dual add <path>\``);
  }
  return { name, path: repo.path };
}

export function listRepos(ctx: Context): RegisteredRepo[] {
  return Object.entries(loadSettings(ctx.paths.config).repos).map(([name, r]) => ({ name, path: r.path }));
}
