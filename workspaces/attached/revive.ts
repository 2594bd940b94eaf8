import type { Context } from '../../src/adapters/context.js';
import { listAttached } from './find.js';
import { ATTACHED_STOP_TIMEOUT_SECONDS } from './spec.js';
import { isUserStopped } from './user-stopped.js';

/**
 * An attached container joins the namespace its workspace container had when it started.
 * When the workspace container starts again it gets a new namespace, and a joined container
 * keeps the old, dead one while still showing "running" (machine-notes). So every attached
 * container that is stopped, or started before the workspace's current start, is restarted,
 * except those the user stopped on purpose. Failures are reported and the rest continue:
 * one broken image must not keep the workspace or its other containers down.
 */
export async function reviveAttached(ctx: Context, workspace: { id: string; containerId: string }): Promise<number> {
  const ws = await ctx.docker.inspectContainer(workspace.containerId);
  if (!ws?.running) return 0;
  const wsStarted = Date.parse(ws.startedAt);
  const attached = await listAttached(ctx, workspace.id);
  const results = await Promise.all(
    attached
      .filter((a) => !isUserStopped(ctx, a.containerId))
      .map(async (a) => {
        try {
          const action = revival(await ctx.docker.inspectContainer(a.containerId), wsStarted);
          if (action === 'start') await ctx.docker.startContainer(a.containerId);
          else if (action === 'restart') await ctx.docker.restartContainer(a.containerId, ATTACHED_STOP_TIMEOUT_SECONDS);
          else return 0;
          return 1;
        } catch (error) {
          ctx.log(`dual: warning: could not start attached container '${a.name}' of ${workspace.id}: ${(error as Error).message.split('\n')[0]}; remove it with \`dual attached rm ${workspace.id} ${a.name}\` and attach it again`);
          return 0;
        }
      }),
  );
  return results.reduce<number>((sum, n) => sum + n, 0);
}

/**
 * What an attached container (not stopped by the user) needs so it shares the workspace
 * container's current namespace: started when stopped, restarted when it started before the
 * workspace container's current start (it holds the old, dead namespace), else nothing.
 */
export function revival(attached: { running: boolean; startedAt: string } | undefined, workspaceStarted: number): 'start' | 'restart' | 'none' {
  if (!attached) return 'none';
  if (!attached.running) return 'start';
  return Date.parse(attached.startedAt) < workspaceStarted ? 'restart' : 'none';
}

/** Before the workspace container stops: stop its attached containers (they would lose their network anyway). */
export async function stopAllAttached(ctx: Context, workspaceId: string): Promise<void> {
  const running = (await listAttached(ctx, workspaceId)).filter((a) => a.state === 'running' || a.state === 'restarting');
  await Promise.all(running.map((a) => ctx.docker.stopContainer(a.containerId, ATTACHED_STOP_TIMEOUT_SECONDS)));
}
