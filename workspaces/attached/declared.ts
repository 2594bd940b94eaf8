import type { DualJson } from '../../src/adapters/config/dual-json.js';
import { homeFilters, LABEL } from '../../src/model/labels.js';
import type { Context } from '../../src/adapters/context.js';
import { createAttached, attachTarget, declaredRequest } from './attach.js';
import { listAttached } from './find.js';
import { reviveAttached } from './revive.js';
import type { WorkspaceRef } from '../../src/model/workspace.js';

/**
 * Called by `dual create` right after the workspace container starts, under the workspace
 * lock: creates the attached containers `.dual.json` declares that do not exist yet, and
 * brings existing ones back onto the (possibly new) network namespace. If one cannot be
 * created, the ones this call made are removed and the error goes up, so a failed create
 * leaves nothing behind.
 */
export async function startDeclaredAttached(
  ctx: Context,
  ws: WorkspaceRef,
  config: DualJson,
): Promise<void> {
  await reviveAttached(ctx, ws);
  const existing = new Set((await listAttached(ctx, ws.id)).map((a) => a.name));
  const made: Array<{ name: string; containerId: string }> = [];
  try {
    for (const [name, declared] of Object.entries(config.attached)) {
      if (existing.has(name)) continue;
      const request = declaredRequest(name, declared);
      const target = await attachTarget(ctx, ws, request.mountWorktree);
      const created = await createAttached(ctx, target, request);
      made.push({ name, containerId: created.containerId });
      ctx.log(`dual: attached ${name} (${declared.image}) to ${ws.id}`);
    }
  } catch (error) {
    for (const { name, containerId } of made) {
      await ctx.docker.removeContainer(containerId).catch(() => undefined);
      const volumes = await ctx.docker.listVolumes(homeFilters(ctx.paths.home, `${LABEL.workspace}=${ws.id}`, `${LABEL.attached}=${name}`)).catch(() => []);
      for (const v of volumes) await ctx.docker.removeVolume(v.name).catch(() => undefined);
    }
    throw error;
  }
}
