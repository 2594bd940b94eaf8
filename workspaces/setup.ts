import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DualError } from '../src/errors.js';
import type { Context } from '../src/wiring.js';
import { runInContainer } from './exec/run-in-container.js';

/**
 * `setup` (e.g. `npm ci`) runs once per container. Completion is recorded per container id,
 * so a recreated container runs it again and a failed one is retried by `dual create`.
 */
function markerPath(ctx: Context, containerId: string): string {
  return join(ctx.paths.state, 'setup-done', containerId);
}

export function setupDone(ctx: Context, containerId: string): boolean {
  return existsSync(markerPath(ctx, containerId));
}

export async function runSetup(
  ctx: Context,
  workspace: { id: string; repo: string; branch: string; worktree: string; containerId: string },
  setup: string,
): Promise<void> {
  ctx.log(`dual: running setup in ${workspace.id}: ${setup}`);
  // Output goes to stderr: stdout is reserved for create's result (id and URLs).
  const code = await runInContainer(ctx.engine, workspace.containerId, ['sh', '-c', setup], {
    workingDir: workspace.worktree,
    output: process.stderr,
  });
  if (code !== 0) {
    throw new DualError(
      `setup failed with exit code ${code}; the workspace is kept: fix it and run \`dual create ${workspace.repo} ${workspace.branch}\` again to retry setup, or \`dual destroy ${workspace.id}\``,
      code,
    );
  }
  mkdirSync(join(ctx.paths.state, 'setup-done'), { recursive: true });
  writeFileSync(markerPath(ctx, workspace.containerId), `${new Date(ctx.clock.now()).toISOString()}\n`);
}
