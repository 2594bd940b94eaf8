import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../../src/adapters/context.js';

/**
 * `dual attached stop` records that the user wants the container down, so the workspace's
 * start/restart does not bring it back; `dual attached start` clears it. Keyed by container
 * id: a recreated container starts fresh. Containers dual stopped itself carry no marker.
 */
function marker(ctx: Context, containerId: string): string {
  return join(ctx.paths.state, 'attached-stopped', containerId);
}

export function markUserStopped(ctx: Context, containerId: string): void {
  mkdirSync(join(ctx.paths.state, 'attached-stopped'), { recursive: true });
  writeFileSync(marker(ctx, containerId), '');
}

export function clearUserStopped(ctx: Context, containerId: string): void {
  rmSync(marker(ctx, containerId), { force: true });
}

export function isUserStopped(ctx: Context, containerId: string): boolean {
  return existsSync(marker(ctx, containerId));
}
