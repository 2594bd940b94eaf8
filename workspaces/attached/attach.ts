import { loadDualJson, type DualJson } from '../../src/adapters/config/dual-json.js';
import { loadSettings } from '../../src/adapters/config/settings.js';
import { isDockerStatus } from '../../src/adapters/docker/docker-error.js';
import { DualError } from '../../src/model/errors.js';
import { homeFilters, LABEL } from '../../src/model/labels.js';
import { attachedContainerName, validateAttachedName } from '../../src/model/naming.js';
import type { Context } from '../../src/adapters/context.js';
import { hostUser } from '../host-user.js';
import { hostShares, type HostShares } from '../host-shares.js';
import { ensureImage } from '../image.js';
import { gitLayout, requireGitView } from '../git-view.js';
import { findWorkspace } from '../list.js';
import { withLock } from '../locks.js';
import { getRepo } from '../repos.js';
import { Rollback } from '../rollback.js';
import { listAttached, type Attached } from './find.js';
import { parseCpus, parseMemory } from './resources.js';
import { attachedContainerSpec, attachedVolumes, type AttachRequest, type AttachTarget } from './spec.js';
import type { WorkspaceRef } from '../../src/model/workspace.js';

export interface AttachOptions {
  workspace: string;
  name: string;
  image: string;
  env: Record<string, string>;
  cmd?: string[];
  mountWorktree: boolean;
  memory?: string;
  cpus?: string | number;
  volumes: string[];
  /** Only to refuse it clearly: attached containers cannot publish ports. */
  publish?: string[];
}

/** A container declared under `attached` in `.dual.json`, as an attach request. */
export function declaredRequest(name: string, declared: DualJson['attached'][string]): AttachRequest {
  return toRequest({
    name,
    image: declared.image,
    env: declared.env,
    cmd: typeof declared.command === 'string' ? ['sh', '-c', declared.command] : declared.command,
    mountWorktree: declared.mountWorktree,
    memory: declared.memory,
    cpus: declared.cpus,
    volumes: declared.volumes,
  });
}

/** Checks that need no engine, so a bad command line fails before anything is touched. */
export function toRequest(options: Omit<AttachOptions, 'workspace'>): AttachRequest {
  if (options.publish && options.publish.length > 0) {
    throw new DualError(
      `attached containers cannot publish ports: they share the workspace's network namespace, so their ports are already the workspace's localhost ports; publish them on the workspace instead (add the port to "ports" in .dual.json)`,
    );
  }
  const problem = validateAttachedName(options.name);
  if (problem) throw new DualError(`${problem}; choose another name`);
  return {
    name: options.name,
    image: options.image,
    env: options.env,
    cmd: options.cmd && options.cmd.length > 0 ? options.cmd : undefined,
    mountWorktree: options.mountWorktree,
    memoryBytes: options.memory === undefined ? undefined : parseMemory(options.memory),
    nanoCpus: options.cpus === undefined ? undefined : parseCpus(options.cpus),
    volumes: options.volumes,
  };
}

/** `dual attach <ws> <name> --image ...`: one attached container, created and started. */
export async function attach(ctx: Context, options: AttachOptions): Promise<Attached> {
  const request = toRequest(options);
  await ctx.docker.ping();
  // The workspace lock makes "count, check the name, create" one step across processes.
  return withLock(ctx.paths.locks, `ws-${options.workspace}`, async () => {
    const ws = await findWorkspace(ctx, options.workspace);
    if (!ws.running || !ws.containerId) {
      throw new DualError(`workspace '${ws.id}' is not running (${ws.state}); start it first with \`dual start ${ws.id}\``);
    }
    const target = await attachTarget(ctx, { ...ws, containerId: ws.containerId }, request.mountWorktree);
    return createAttached(ctx, target, request);
  });
}

export async function attachTarget(
  ctx: Context,
  ws: WorkspaceRef,
  mountWorktree: boolean,
): Promise<AttachTarget> {
  const shares = attachedShares(ctx, ws.worktree, mountWorktree);
  if (!mountWorktree) return { ...ws, home: ctx.paths.home, workspaceVolumes: [], shares };
  const volumes = await ctx.docker.listVolumes(homeFilters(ctx.paths.home, `${LABEL.workspace}=${ws.id}`));
  return {
    ...ws,
    home: ctx.paths.home,
    git: requireGitView(await gitLayout(ctx, getRepo(ctx, ws.repo).path, ws.worktree, ws.id), ws.id),
    workspaceVolumes: volumes
      .filter((v) => !(LABEL.attached in v.labels) && v.labels[LABEL.volume])
      .map((v) => ({ name: v.name, target: `${ws.worktree}/${v.labels[LABEL.volume]}` })),
    shares,
  };
}

/**
 * The host's trust for every attached container; the npm cache only for one that works in
 * the worktree (an agent running `npm install`). The workspace's .dual.json can turn either
 * off; one that cannot be read (being edited) leaves the defaults, as attach does not need it.
 */
function attachedShares(ctx: Context, worktree: string, mountWorktree: boolean): HostShares {
  let config: { trustHostCA: boolean; npmCache: boolean } = { trustHostCA: true, npmCache: true };
  try {
    config = loadDualJson(worktree);
  } catch {
    // keep the defaults
  }
  return hostShares(ctx.paths, { trustHostCA: config.trustHostCA, npmCache: mountWorktree && config.npmCache }, ctx.log);
}

/** The caller holds the workspace lock. Anything made here is removed again if a later step fails. */
export async function createAttached(ctx: Context, target: AttachTarget, request: AttachRequest): Promise<Attached> {
  const existing = await listAttached(ctx, target.id);
  if (existing.some((a) => a.name === request.name)) throw duplicate(target.id, request.name);
  const max = loadSettings(ctx.paths.config).attached.maxPerWorkspace;
  if (existing.length >= max) {
    throw new DualError(
      `workspace '${target.id}' already has ${existing.length} attached container${existing.length === 1 ? '' : 's'}, the limit is ${max}; remove one with \`dual attached rm ${target.id} <name>\` or raise attached.maxPerWorkspace in ${ctx.paths.config}`,
    );
  }
  await ensureImage(ctx, request.image);
  const rollback = new Rollback();
  try {
    for (const volume of attachedVolumes(target, request)) {
      await ctx.docker.createVolume(volume);
      rollback.add(`volume ${volume.name}`, () => ctx.docker.removeVolume(volume.name));
    }
    const spec = attachedContainerSpec(target, request, hostUser());
    const containerId = await ctx.docker.createContainer(spec).catch((error: unknown) => {
      if (isDockerStatus(error, 409)) throw duplicate(target.id, request.name);
      // e.g. more CPUs than the engine has: Docker's own message says the range.
      if (isDockerStatus(error, 400)) throw new DualError(`cannot create attached container '${request.name}': ${error.message}; adjust the options`);
      throw error;
    });
    rollback.add(`container ${spec.name}`, () => ctx.docker.removeContainer(containerId));
    await ctx.docker.startContainer(containerId).catch((error: unknown) => {
      throw new DualError(`attached container '${request.name}' did not start: ${(error as Error).message.split('\n')[0]}; check the image and command`);
    });
    const details = await ctx.docker.inspectContainer(containerId);
    return {
      name: request.name,
      workspace: target.id,
      image: request.image,
      state: details?.state ?? 'running',
      containerId,
      containerName: attachedContainerName(target.id, request.name),
    };
  } catch (error) {
    await rollback.run(ctx.log);
    throw error;
  }
}

function duplicate(id: string, name: string): DualError {
  return new DualError(
    `workspace '${id}' already has an attached container named '${name}' (${attachedContainerName(id, name)}); choose another name or remove it with \`dual attached rm ${id} ${name}\``,
  );
}
