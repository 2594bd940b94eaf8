import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../../src/adapters/context.js';
import { slugify } from '../../src/model/naming.js';
import { withLock } from '../locks.js';
import { undoWorktree } from '../undo-worktree.js';
import { idTaken } from './create-plan.js';
import type { CreateRun } from './create-run.js';

/**
 * The worktree for (repo, branch): the branch's existing worktree if it has one (e.g. main,
 * checked out in the repo itself), else a new one at $DUAL_HOME/worktrees/<repo>/<slug>,
 * recorded in `run` so a failed create removes it (and the branch, if this run made it).
 */
export async function ensureWorktree(
  ctx: Context,
  repo: { name: string; path: string },
  branch: string,
  id: string,
  from: string | undefined,
  run: CreateRun,
): Promise<string> {
  return withLock(ctx.paths.locks, `repo-${repo.name}`, async () => {
    const worktrees = await ctx.git.listWorktrees(repo.path);
    const current = worktrees.find((w) => w.branch === branch);
    if (current) return realpathSync(current.path);
    const path = join(ctx.paths.worktrees, repo.name, slugify(branch));
    const occupant = worktrees.find((w) => w.path === path);
    if (occupant) throw idTaken(id, `the worktree of branch '${occupant.branch ?? occupant.head}' at ${path}`);
    const source = await ctx.git.branchSource(repo.path, branch, from);
    mkdirSync(join(ctx.paths.worktrees, repo.name), { recursive: true });
    await ctx.git.addWorktree(repo.path, path, branch, source);
    const createdHead = source.kind === 'local' ? undefined : await ctx.git.branchHead(repo.path, branch);
    run.made(`worktree ${path}`, () => undoWorktree(ctx, repo.path, path, branch, createdHead));
    return realpathSync(path);
  });
}
