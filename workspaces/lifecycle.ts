import { DualError } from '../src/errors.js';
import type { Context } from '../src/wiring.js';
import { STOP_TIMEOUT_SECONDS } from './container-spec.js';
import { findWorkspace } from './list.js';
import type { Workspace } from './workspace.js';

/**
 * Hooks run around a workspace container's start and stop; attached containers use them to
 * follow their workspace (they lose their network when it stops).
 */
export interface LifecycleHooks {
  beforeStop?(ctx: Context, workspace: Workspace): Promise<void>;
  afterStart?(ctx: Context, workspace: Workspace): Promise<void>;
}

const hooks: LifecycleHooks[] = [];

export function addLifecycleHooks(h: LifecycleHooks): void {
  hooks.push(h);
}

async function withContainer(ctx: Context, id: string): Promise<Workspace & { containerId: string }> {
  const ws = await findWorkspace(ctx, id);
  if (!ws.containerId) throw new DualError(`workspace '${id}' has no container; recreate it with \`dual create ${ws.repo} ${ws.branch}\``);
  if (ws.state === 'worktree missing') {
    throw new DualError(`workspace '${id}' has lost its worktree ${ws.worktree}; remove it with \`dual destroy ${id} --force\``);
  }
  return ws as Workspace & { containerId: string };
}

export async function startWorkspace(ctx: Context, id: string): Promise<Workspace> {
  const ws = await withContainer(ctx, id);
  await ctx.docker.startContainer(ws.containerId);
  for (const h of hooks) await h.afterStart?.(ctx, ws);
  return { ...ws, state: 'running', running: true };
}

export async function stopWorkspace(ctx: Context, id: string): Promise<Workspace> {
  const ws = await withContainer(ctx, id);
  for (const h of hooks) await h.beforeStop?.(ctx, ws);
  await ctx.docker.stopContainer(ws.containerId, STOP_TIMEOUT_SECONDS);
  return { ...ws, state: 'exited', running: false };
}

export async function restartWorkspace(ctx: Context, id: string): Promise<Workspace> {
  const ws = await withContainer(ctx, id);
  for (const h of hooks) await h.beforeStop?.(ctx, ws);
  await ctx.docker.restartContainer(ws.containerId, STOP_TIMEOUT_SECONDS);
  for (const h of hooks) await h.afterStart?.(ctx, ws);
  return { ...ws, state: 'running', running: true };
}
