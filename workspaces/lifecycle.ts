import { DualError } from '../src/model/errors.js';
import type { Context } from '../src/adapters/context.js';
import { stopAllAttached } from './attached/revive.js';
import { awaitReady, restartAndAwait, startAndAwait, type ReadyOptions } from './bring-up.js';
import { STOP_TIMEOUT_SECONDS } from './container-spec.js';
import { findWorkspace } from './list.js';
import { withLock } from './locks.js';
import { recreateIfChanged } from './recreate.js';
import { workspaceConfig } from './volume-default.js';
import type { Workspace } from '../src/model/workspace.js';
import { clearSleeping, markSleeping } from '../src/model/sleep-state.js';

/**
 * Start, stop, restart and recreate a workspace. Its attached containers follow it: they
 * share its network namespace, so they are stopped before it stops and (re)started after it
 * starts, joining the new namespace (a joined container keeps a dead one otherwise).
 * start/restart apply a changed `.dual.json` by recreating the container; all three wait
 * for setup and for the ports to answer, like `dual create`.
 */
async function withContainer(ctx: Context, id: string): Promise<Workspace & { containerId: string }> {
  const ws = await findWorkspace(ctx, id);
  if (!ws.containerId) throw new DualError(`workspace '${id}' has no container; recreate it with \`dual create ${ws.repo} ${ws.branch}\``);
  if (ws.state === 'worktree missing') {
    throw new DualError(`workspace '${id}' has lost its worktree ${ws.worktree}; remove it with \`dual destroy ${id}\``);
  }
  return ws as Workspace & { containerId: string };
}

type Bring = 'start' | 'restart' | 'recreate';

async function bringUp(ctx: Context, id: string, how: Bring, ready: ReadyOptions): Promise<Workspace> {
  await ctx.docker.ping();
  return withLock(ctx.paths.locks, `ws-${id}`, async () => {
    const ws = await withContainer(ctx, id);
    // Awake from here on, whoever starts it: the user, a request (the proxy), `dual exec`.
    clearSleeping(ctx.paths.state, ws.containerId);
    const config = await workspaceConfig(ctx, ws.worktree);
    const recreated = await recreateIfChanged(ctx, ws, config, { force: how === 'recreate' });
    if (recreated) await awaitReady(ctx, { ...ws, containerId: recreated }, config, ready, 'runs');
    else if (how === 'restart') await restartAndAwait(ctx, ws, config, ready);
    else await startAndAwait(ctx, ws, config, ready);
    return { ...ws, containerId: recreated ?? ws.containerId, state: 'running', running: true };
  });
}

export function startWorkspace(ctx: Context, id: string, ready: ReadyOptions): Promise<Workspace> {
  return bringUp(ctx, id, 'start', ready);
}

export function restartWorkspace(ctx: Context, id: string, ready: ReadyOptions): Promise<Workspace> {
  return bringUp(ctx, id, 'restart', ready);
}

/** `dual recreate`: a new container from the current `.dual.json`, whether or not it changed. */
export function recreateWorkspace(ctx: Context, id: string, ready: ReadyOptions): Promise<Workspace> {
  return bringUp(ctx, id, 'recreate', ready);
}

/** `dual stop`: stopped by the user, it stays stopped: a request never wakes it. */
export async function stopWorkspace(ctx: Context, id: string): Promise<Workspace> {
  const ws = await withContainer(ctx, id);
  clearSleeping(ctx.paths.state, ws.containerId);
  await stopWithAttached(ctx, ws);
  return { ...ws, state: 'exited', running: false };
}

/**
 * `dual sleep` (run by the proxy's idle sweep, or by hand): stopped like `dual stop`, but
 * marked so that a request to its URL or a `dual exec` starts it again. The marker is written
 * before the stop, so no request in between sees a plain "stopped"; a failed stop removes it.
 * Under the workspace's lock, so it never interleaves with a wake (`dual start`).
 */
export async function sleepWorkspace(ctx: Context, id: string): Promise<Workspace> {
  return withLock(ctx.paths.locks, `ws-${id}`, async () => {
    const ws = await withContainer(ctx, id);
    markSleeping(ctx.paths.state, ws.containerId);
    try {
      if (ws.running) await stopWithAttached(ctx, ws);
    } catch (error) {
      clearSleeping(ctx.paths.state, ws.containerId);
      throw error;
    }
    return { ...ws, state: 'sleeping', running: false };
  });
}

async function stopWithAttached(ctx: Context, ws: Workspace & { containerId: string }): Promise<void> {
  await stopAllAttached(ctx, ws.id);
  await ctx.docker.stopContainer(ws.containerId, STOP_TIMEOUT_SECONDS);
}
