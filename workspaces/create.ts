import { existsSync } from 'node:fs';
import type { Context } from '../src/adapters/context.js';
import { DualError } from '../src/model/errors.js';
import { traceMark } from '../src/adapters/trace.js';
import { homeFilters, LABEL } from '../src/model/labels.js';
import { containerName, workspaceId } from '../src/model/naming.js';
import { startDeclaredAttached } from './attached/declared.js';
import { requireLocalEngine } from './engine-locality.js';
import { awaitReady, startAndAwait } from './bring-up.js';
import { createFresh } from './create/create-fresh.js';
import { planCreate } from './create/create-plan.js';
import { createResult, readyOptions, type CreateOptions, type CreateResult } from './create/create-result.js';
import { withLock } from './locks.js';
import { recreateIfChanged } from './recreate.js';
import { getRepo } from './repos.js';
import { workspaceConfig } from './volume-default.js';
import type { WorkspaceRef } from '../src/model/workspace.js';

export type { CreateOptions, CreateResult } from './create/create-result.js';

/**
 * `dual create <repo> <branch>`: worktree + container; the container's main process runs
 * setup (streamed here), then start; create returns once every port answers. Idempotent:
 * run again, it starts an existing workspace, reruns a setup that failed, and recreates the
 * container when its `.dual.json` changed (create/create-plan.ts decides which). A fresh
 * create is all or nothing until its container runs (create/create-fresh.ts).
 */
export async function createWorkspace(ctx: Context, options: CreateOptions): Promise<CreateResult> {
  traceMark('create: command parsed');
  const repo = getRepo(ctx, options.repo);
  const nameProblem = await ctx.git.checkBranchName(repo.path, options.branch);
  if (nameProblem) throw new DualError(`${nameProblem}; choose another branch name`);
  const id = workspaceId(repo.name, options.branch);
  await ctx.docker.ping();
  await requireLocalEngine(ctx);
  traceMark('create: branch name, engine and mount checked');

  return withLock(ctx.paths.locks, `ws-${id}`, async () => {
    const existing = await ctx.docker.inspectContainer(containerName(id));
    const want = { id, repo: repo.name, branch: options.branch, home: ctx.paths.home, worktrees: ctx.paths.worktrees };
    const plan = planCreate(existing, want, existsSync);
    switch (plan.kind) {
      case 'fresh':
        return createFresh(ctx, repo, options, id);
      case 'remake':
        ctx.log(`dual: the worktree ${plan.worktree} was deleted; making it again from branch '${options.branch}' with a new container (volumes are kept)`);
        await removeContainers(ctx, id);
        await ctx.git.pruneWorktrees(repo.path);
        return createFresh(ctx, repo, options, id);
      case 'resume':
        if (options.dataFrom) {
          throw new DualError(`workspace ${id} already exists; --data-from applies only when a workspace is created (destroy it first to start over from ${options.dataFrom}'s data)`);
        }
        return resumeExisting(ctx, { id, repo: repo.name, branch: options.branch, worktree: plan.worktree, containerId: plan.containerId }, options);
    }
  });
}

/** The workspace's containers, attached ones first (they live in its network namespace); volumes stay. */
async function removeContainers(ctx: Context, id: string): Promise<void> {
  const containers = await ctx.docker.listContainers(homeFilters(ctx.paths.home, `${LABEL.workspace}=${id}`));
  containers.sort((a, b) => Number(LABEL.attached in b.labels) - Number(LABEL.attached in a.labels));
  // The setup state goes with them: createFresh makes it anew.
  for (const c of containers) await ctx.docker.removeContainer(c.id);
}

/** An existing workspace: recreate its container if .dual.json changed, else start it; then wait until ready. */
async function resumeExisting(
  ctx: Context,
  found: WorkspaceRef,
  options: CreateOptions,
): Promise<CreateResult> {
  const config = await workspaceConfig(ctx, found.worktree);
  let ws = found;
  const recreated = await recreateIfChanged(ctx, ws, config, { force: false, image: options.image });
  const ready = readyOptions(options);
  if (recreated) {
    ws = { ...ws, containerId: recreated };
    await awaitReady(ctx, ws, config, ready, 'runs');
  } else {
    ctx.log(`dual: workspace ${ws.id} already exists; starting it`);
    await startAndAwait(ctx, ws, config, ready);
    await startDeclaredAttached(ctx, ws, config);
  }
  return createResult(ctx, ws, config, true);
}
