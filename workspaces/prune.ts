import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { homeFilters, LABEL } from '../src/model/labels.js';
import type { Context } from '../src/adapters/context.js';
import { removeGitView } from './git-view.js';
import { listWorkspaces } from './list.js';
import { withLock } from './locks.js';
import { findOrphans } from './prune-plan.js';
import { listRepos } from './repos.js';
import { removeSetupState } from './setup.js';

export interface PruneResult {
  /** Attached containers whose workspace container is gone. */
  containers: string[];
  /** Volumes labelled with a workspace that has no container left. */
  volumes: string[];
  /** Markers under $DUAL_HOME/state for containers that no longer exist. */
  markers: number;
  /** Worktrees dual made whose container is gone: kept (they may hold work), with the command to remove each. */
  keptWorktrees: Array<{ id: string; worktree: string; hint: string }>;
}

/**
 * Removes what failures and hand-run `docker rm`s leave behind (devcontainers/cli#386): all of
 * it is found by label, so only things this DUAL_HOME made are touched. Worktrees are never removed here:
 * they can hold uncommitted work; `dual destroy` checks for that first.
 */
export async function pruneOrphans(ctx: Context, dryRun: boolean): Promise<PruneResult> {
  // Only this DUAL_HOME's things: another installation on the same engine (even one with the
  // same repo names) may be mid-create, and its containers are not ours to judge.
  const all = await ctx.docker.listContainers(homeFilters(ctx.paths.home, LABEL.workspace));
  const allVolumes = await ctx.docker.listVolumes(homeFilters(ctx.paths.home, LABEL.workspace));
  const { attached: orphanAttached, volumes, liveContainerIds } = findOrphans(all, allVolumes);
  const markers = staleMarkers(ctx, liveContainerIds);

  if (!dryRun) {
    // Under each workspace's lock, and only if it still has no container: a `dual create`
    // running now makes its volumes before its container.
    const byWorkspace = new Set([...orphanAttached.map((c) => c.labels[LABEL.workspace]!), ...volumes.map((v) => v.labels[LABEL.workspace]!)]);
    for (const id of byWorkspace) {
      await withLock(ctx.paths.locks, `ws-${id}`, async () => {
        const now = await ctx.docker.listContainers(homeFilters(ctx.paths.home, `${LABEL.workspace}=${id}`));
        if (now.some((c) => !(LABEL.attached in c.labels))) return;
        for (const c of now) await ctx.docker.removeContainer(c.id);
        for (const v of volumes.filter((v) => v.labels[LABEL.workspace] === id)) await ctx.docker.removeVolume(v.name);
      });
    }
    for (const marker of markers) rmSync(marker, { force: true });
    // Private git files (git-view.ts) and setup state (setup.ts) of workspaces whose container is gone.
    for (const id of new Set([...stateIds(ctx, 'git'), ...stateIds(ctx, 'workspaces')])) {
      await withLock(ctx.paths.locks, `ws-${id}`, async () => {
        const now = await ctx.docker.listContainers(homeFilters(ctx.paths.home, `${LABEL.workspace}=${id}`));
        if (now.length > 0) return;
        removeGitView(ctx.paths.state, id);
        removeSetupState(ctx, id);
      });
    }
    // Worktree folders deleted by hand leave entries in git's list; git forgets them here.
    for (const repo of listRepos(ctx)) await ctx.git.pruneWorktrees(repo.path).catch(() => undefined);
  }
  const keptWorktrees = (await listWorkspaces(ctx))
    .filter((w) => w.state === 'container missing')
    .map((w) => ({ id: w.id, worktree: w.worktree, hint: `dual destroy ${w.id}` }));
  return { containers: orphanAttached.map((c) => c.name), volumes: volumes.map((v) => v.name), markers: markers.length, keptWorktrees };
}

/** Workspace ids with a directory under $DUAL_HOME/state/<kind>. */
function stateIds(ctx: Context, kind: 'git' | 'workspaces'): string[] {
  try {
    return readdirSync(join(ctx.paths.state, kind));
  } catch {
    return [];
  }
}

function staleMarkers(ctx: Context, liveContainerIds: Set<string>): string[] {
  const stale: string[] = [];
  for (const kind of ['setup-done', 'attached-stopped', 'sleeping']) {
    const dir = join(ctx.paths.state, kind);
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const containerId of entries) if (!liveContainerIds.has(containerId)) stale.push(join(dir, containerId));
  }
  return stale;
}
