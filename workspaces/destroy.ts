import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings } from '../src/adapters/config/settings.js';
import { DualError } from '../src/model/errors.js';
import { homeFilters, LABEL } from '../src/model/labels.js';
import type { Context } from '../src/adapters/context.js';
import { isUnchangedCopy, readCopyRecord, removeCopyRecord } from './copy-files.js';
import { removeGitView } from './git-view.js';
import { saveSeedsToCache } from './seed/cache.js';
import { findWorkspace } from './list.js';
import { withLock } from './locks.js';
import { DEFAULT_REGENERABLE, isRegenerable } from './regenerable.js';
import { getRepo } from './repos.js';
import { removeSetupState } from './setup.js';

export interface DestroyResult {
  id: string;
  removedContainers: number;
  removedVolumes: number;
  removedWorktree?: string;
}

/**
 * Removes everything dual created for the workspace (its container, attached containers,
 * their volumes, and the worktree if dual made it) and nothing else: the branch always
 * stays. Refuses, unless forced, while work would be lost or forgotten.
 */
export async function destroyWorkspace(ctx: Context, id: string, force: boolean): Promise<DestroyResult> {
  return withLock(ctx.paths.locks, `ws-${id}`, async () => {
    const ws = await findWorkspace(ctx, id);
    const repoPath = tryRepoPath(ctx, ws.repo);
    const ownsWorktree = ws.worktree.startsWith(join(ctx.paths.worktrees, ws.repo) + '/') && existsSync(ws.worktree);
    if (!force && existsSync(ws.worktree)) await refuseIfWorkWouldBeLost(ctx, ws, repoPath, ownsWorktree);

    const containers = await ctx.docker.listContainers(homeFilters(ctx.paths.home, `${LABEL.workspace}=${id}`));
    // Attached containers first: they live in the workspace container's network namespace.
    containers.sort((a, b) => Number(LABEL.attached in b.labels) - Number(LABEL.attached in a.labels));
    for (const c of containers) await ctx.docker.removeContainer(c.id);
    const main = containers.find((c) => !(LABEL.attached in c.labels));
    if (ownsWorktree && main) saveSeedsToCache(ctx, { id, repo: ws.repo, worktree: ws.worktree }, main.image);
    const volumes = await ctx.docker.listVolumes(homeFilters(ctx.paths.home, `${LABEL.workspace}=${id}`));
    for (const v of volumes) await ctx.docker.removeVolume(v.name);
    removeSetupState(ctx, id);
    removeGitView(ctx.paths.state, id);
    removeCopyRecord(ctx.paths.home, id);

    let removedWorktree: string | undefined;
    if (ownsWorktree && repoPath) {
      await ctx.git.removeWorktree(repoPath, ws.worktree);
      removedWorktree = ws.worktree;
    } else if (repoPath && !existsSync(ws.worktree)) {
      // The folder was deleted by hand: let git forget it too, so the branch can be checked out again.
      await ctx.git.pruneWorktrees(repoPath);
    }
    return { id, removedContainers: containers.length, removedVolumes: volumes.length, removedWorktree };
  });
}

async function refuseIfWorkWouldBeLost(
  ctx: Context,
  ws: { id: string; branch: string; worktree: string },
  repoPath: string | undefined,
  ownsWorktree: boolean,
): Promise<void> {
  if (ownsWorktree) {
    const changes = await ctx.git.uncommittedChanges(ws.worktree);
    if (changes.length > 0) {
      throw new DualError(
        `workspace '${ws.id}' has uncommitted changes (${summarize(changes.map((l) => l.slice(3)))}) in ${ws.worktree}; commit or stash them, or destroy with --force`,
      );
    }
    // `git status` is clean while an ignored .env or notes file holds the user's only copy.
    const patterns = [...DEFAULT_REGENERABLE, ...loadSettings(ctx.paths.config).destroy.regenerable];
    const candidates = (await ctx.git.ignoredFiles(ws.worktree)).filter((path) => !isRegenerable(path, patterns));
    // A local file dual copied from the main checkout (`copy`) and nobody changed is still there.
    const copies = readCopyRecord(ctx.paths.home, ws.id);
    const ignored: string[] = [];
    for (const path of candidates) if (!(await isUnchangedCopy(ws.worktree, path, copies))) ignored.push(path);
    if (ignored.length > 0) {
      throw new DualError(
        `workspace '${ws.id}' has ignored files that may hold work (${summarize(ignored)}) in ${ws.worktree}; move them out, or destroy with --force (to let destroy delete such files, add them to destroy.regenerable in ${ctx.paths.config})`,
      );
    }
  }
  // A branch checked out in the user's own repo is not at risk of being forgotten.
  if (repoPath && ownsWorktree) {
    const commits = await ctx.git.commitsOnlyOn(repoPath, ws.branch);
    if (commits.length > 0) {
      throw new DualError(
        `branch '${ws.branch}' has ${commits.length} commit${commits.length > 1 ? 's' : ''} on no other branch or remote (latest: ${commits[0]}); push or merge it, or destroy with --force (the branch is kept either way)`,
      );
    }
  }
}

function summarize(paths: string[]): string {
  const more = paths.length > 3 ? ` and ${paths.length - 3} more` : '';
  return paths.slice(0, 3).join(', ') + more;
}

function tryRepoPath(ctx: Context, repo: string): string | undefined {
  try {
    return getRepo(ctx, repo).path;
  } catch {
    return undefined;
  }
}
