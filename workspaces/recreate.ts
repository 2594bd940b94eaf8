import type { WorkspaceConfig } from '../src/adapters/config/dual-json.js';
import { DualError } from '../src/model/errors.js';
import { containerName } from '../src/model/naming.js';
import type { Context } from '../src/adapters/context.js';
import { startDeclaredAttached } from './attached/declared.js';
import { listAttached } from './attached/find.js';
import { rejoinAttached } from './attached/rejoin.js';
import { stopAllAttached } from './attached/revive.js';
import type { WorkspaceRef } from '../src/model/workspace.js';
import { decideRecreate, recreateMessage } from './config-drift.js';
import { STOP_TIMEOUT_SECONDS, workspaceContainerSpec, workspaceVolumes, type WorkspaceIdentity } from './container-spec.js';
import { hostShares } from './host-shares.js';
import { giveVolumesToUser, hostUser } from './host-user.js';
import { gitLayout, prepareGitView } from './git-view.js';
import { ensureImage } from './image.js';
import { ensureWorkspaceNetwork } from './network.js';
import { getRepo } from './repos.js';
import { resetSetupState } from './setup.js';

/**
 * Applies a changed `.dual.json` without `dual destroy`: a new workspace container from the
 * current settings, keeping the worktree, the named volumes (node_modules stays installed)
 * and the attached containers (made again against the new container's namespace). The new
 * container runs setup again before start. The caller holds the workspace lock.
 *
 * Returns the new container id, or undefined when nothing changed and `force` is false.
 */
export async function recreateIfChanged(
  ctx: Context,
  ws: WorkspaceRef,
  config: WorkspaceConfig,
  options: { force: boolean; image?: string },
): Promise<string | undefined> {
  const details = await ctx.docker.inspectContainer(ws.containerId);
  if (!details) throw new DualError(`the container of ${ws.id} has gone; make it again with \`dual create ${ws.repo} ${ws.branch}\``);
  const decision = decideRecreate(details.labels, config, options.force);
  if (!decision.recreate) return undefined;
  ctx.log(recreateMessage(ws.id, decision.reasons));
  // An image chosen with `dual create --image` is kept unless .dual.json's image changed.
  const image = options.image ?? (decision.reasons.includes('image') ? config.image : details.image);
  await ensureImage(ctx, image);
  await ensureWorkspaceNetwork(ctx.docker);
  const identity: WorkspaceIdentity = {
    id: ws.id,
    repo: ws.repo,
    branch: ws.branch,
    worktree: ws.worktree,
    git: await gitLayout(ctx, getRepo(ctx, ws.repo).path, ws.worktree, ws.id),
    home: ctx.paths.home,
  };
  // Existing volumes are kept as they are; a newly declared one is made.
  for (const volume of workspaceVolumes(identity, config)) await ctx.docker.createVolume({ name: volume.name, labels: volume.labels });

  const attached = await listAttached(ctx, ws.id);
  await stopAllAttached(ctx, ws.id);
  await ctx.docker.stopContainer(ws.containerId, STOP_TIMEOUT_SECONDS);
  // The old container steps aside under another name until the new one exists, so a failed
  // create (bad image, engine error) leaves the workspace as it was.
  const parked = `${containerName(ws.id)}-replaced-${Date.now()}`;
  await ctx.docker.renameContainer(ws.containerId, parked);
  const user = hostUser();
  let containerId: string;
  try {
    resetSetupState(ctx, ws.id);
    prepareGitView(identity.git);
    containerId = await ctx.docker.createContainer(workspaceContainerSpec(identity, config, image, user, hostShares(ctx.paths, config, ctx.log)));
  } catch (error) {
    await ctx.docker.renameContainer(ws.containerId, containerName(ws.id)).catch(() => undefined);
    ctx.log(`dual: the container of ${ws.id} was not replaced (it is stopped); \`dual start ${ws.id}\` starts it again`);
    throw error;
  }
  await ctx.docker.removeContainer(ws.containerId);
  await ctx.docker.startContainer(containerId);
  await giveVolumesToUser(ctx, containerId, identity, config, user);
  const target = { ...ws, containerId };
  await rejoinAttached(ctx, target, attached, config);
  await startDeclaredAttached(ctx, target, config);
  return containerId;
}
