import { loadDualJson } from '../src/config/dual-json.js';
import { DualError } from '../src/errors.js';
import type { Context } from '../src/wiring.js';
import { reviveAttached, stopAllAttached } from './attached/revive.js';
import { changedKeys, driftWarning } from './config-drift.js';
import { STOP_TIMEOUT_SECONDS } from './container-spec.js';
import { findWorkspace } from './list.js';
import type { Workspace } from './workspace.js';

/**
 * Start, stop and restart a workspace. Its attached containers follow it: they share its
 * network namespace, so they are stopped before it stops and (re)started after it starts,
 * joining the new namespace (a joined container keeps a dead one otherwise).
 */
async function withContainer(ctx: Context, id: string): Promise<Workspace & { containerId: string }> {
  const ws = await findWorkspace(ctx, id);
  if (!ws.containerId) throw new DualError(`workspace '${id}' has no container; recreate it with \`dual create ${ws.repo} ${ws.branch}\``);
  if (ws.state === 'worktree missing') {
    throw new DualError(`workspace '${id}' has lost its worktree ${ws.worktree}; remove it with \`dual destroy ${id}\``);
  }
  return ws as Workspace & { containerId: string };
}

/** A `.dual.json` edited since the container was made is worth a warning, never a failure. */
async function warnOnConfigDrift(ctx: Context, ws: Workspace & { containerId: string }): Promise<void> {
  try {
    const details = await ctx.docker.inspectContainer(ws.containerId);
    const keys = details ? changedKeys(details.labels, loadDualJson(ws.worktree)) : [];
    if (keys.length > 0) ctx.log(driftWarning(ws.id, ws.repo, ws.branch, keys));
  } catch (error) {
    ctx.log(`dual: warning: ${(error as Error).message}`);
  }
}

export async function startWorkspace(ctx: Context, id: string): Promise<Workspace> {
  const ws = await withContainer(ctx, id);
  await warnOnConfigDrift(ctx, ws);
  await ctx.docker.startContainer(ws.containerId);
  await reviveAttached(ctx, ws);
  return { ...ws, state: 'running', running: true };
}

export async function stopWorkspace(ctx: Context, id: string): Promise<Workspace> {
  const ws = await withContainer(ctx, id);
  await stopAllAttached(ctx, ws.id);
  await ctx.docker.stopContainer(ws.containerId, STOP_TIMEOUT_SECONDS);
  return { ...ws, state: 'exited', running: false };
}

export async function restartWorkspace(ctx: Context, id: string): Promise<Workspace> {
  const ws = await withContainer(ctx, id);
  await warnOnConfigDrift(ctx, ws);
  await stopAllAttached(ctx, ws.id);
  await ctx.docker.restartContainer(ws.containerId, STOP_TIMEOUT_SECONDS);
  await reviveAttached(ctx, ws);
  return { ...ws, state: 'running', running: true };
}
