import { homeFilters, LABEL } from '../../src/model/labels.js';
import type { Context } from '../../src/adapters/context.js';
import { DualError } from '../../src/model/errors.js';
import { findWorkspace } from '../list.js';
import { withLock } from '../locks.js';
import { findAttached, type Attached } from './find.js';
import { ATTACHED_STOP_TIMEOUT_SECONDS } from './spec.js';
import { clearUserStopped, markUserStopped } from './user-stopped.js';

/** `dual attached stop`: stays stopped across workspace restarts until `dual attached start`. */
export async function stopAttached(ctx: Context, workspace: string, name: string): Promise<Attached> {
  const a = await findAttached(ctx, workspace, name);
  markUserStopped(ctx, a.containerId);
  await ctx.docker.stopContainer(a.containerId, ATTACHED_STOP_TIMEOUT_SECONDS);
  return { ...a, state: 'exited' };
}

/**
 * `dual attached start`: restart (not just start) so a container still "running" in a dead
 * namespace joins the workspace's current one. The workspace must be running: its namespace
 * is the only network the container can have.
 */
export async function startAttached(ctx: Context, workspace: string, name: string): Promise<Attached> {
  const ws = await findWorkspace(ctx, workspace);
  if (!ws.running) throw new DualError(`workspace '${ws.id}' is not running (${ws.state}); start it first with \`dual start ${ws.id}\``);
  const a = await findAttached(ctx, workspace, name);
  clearUserStopped(ctx, a.containerId);
  await ctx.docker.restartContainer(a.containerId, ATTACHED_STOP_TIMEOUT_SECONDS);
  return { ...a, state: 'running' };
}

/** `dual attached rm`: the container and its named volumes. Under the workspace lock, like attach. */
export async function removeAttached(ctx: Context, workspace: string, name: string): Promise<Attached> {
  return withLock(ctx.paths.locks, `ws-${workspace}`, async () => {
    const a = await findAttached(ctx, workspace, name);
    await ctx.docker.removeContainer(a.containerId);
    clearUserStopped(ctx, a.containerId);
    const volumes = await ctx.docker.listVolumes(homeFilters(ctx.paths.home, `${LABEL.workspace}=${workspace}`, `${LABEL.attached}=${name}`));
    for (const v of volumes) await ctx.docker.removeVolume(v.name);
    return { ...a, state: 'removed' };
  });
}
