import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../src/adapters/context.js';
import { DualError } from '../src/model/errors.js';
import { LABEL } from '../src/model/labels.js';

/**
 * A workspace bind-mounts its worktree, so its engine must see this machine's files. An engine
 * on another machine (DOCKER_HOST=ssh://..., tcp://, a context) would mount an empty or a
 * stranger's folder: refused before anything is made (SPEC.md "Remote engines and Kubernetes").
 * The check is a positive one (mount-probe.ts): a folder made here under a random name must
 * be visible to the engine.
 */
export async function requireLocalEngine(ctx: Context): Promise<void> {
  mkdirSync(ctx.paths.worktrees, { recursive: true });
  const probe = mkdtempSync(join(ctx.paths.worktrees, '.dual-mount-probe-'));
  try {
    if (await ctx.docker.seesHostPath(probe, { [LABEL.home]: ctx.paths.home })) return;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
  throw new DualError(
    `the Docker engine at ${ctx.docker.display} does not see this machine's files (${ctx.paths.worktrees}), so it cannot mount a worktree: use an engine on this machine (unset DOCKER_HOST and DOCKER_CONTEXT, or \`docker context use default\`)`,
  );
}
