import type { DualJson } from '../../src/adapters/config/dual-json.js';
import type { ContainerInspect } from '../../src/adapters/docker/api-types.js';
import type { ContainerSpec } from '../../src/adapters/docker/engine.js';
import type { Context } from '../../src/adapters/context.js';
import { DualError } from '../../src/model/errors.js';
import { shellCommand } from '../../src/model/shell-quote.js';
import { hostUser } from '../host-user.js';
import { attachTarget, declaredRequest } from './attach.js';
import type { Attached } from './find.js';
import { attachedContainerSpec, attachedVolumes } from './spec.js';
import { clearUserStopped, isUserStopped, markUserStopped } from './user-stopped.js';
import type { WorkspaceRef } from '../../src/model/workspace.js';

/**
 * A recreated workspace container has a new id, and an attached container's network is
 * `container:<old id>`: the engine cannot move it, so each attached container is made again
 * against the new id. What it holds is kept: its named volumes by name, and the anonymous
 * volumes its image declares (a database's data directory) mounted again by name. A container
 * `.dual.json` declares is made from the current declaration; one attached by hand is cloned
 * from its own settings. One that fails is reported; the others still rejoin.
 */
export async function rejoinAttached(
  ctx: Context,
  ws: WorkspaceRef,
  attached: Attached[],
  config: DualJson,
): Promise<void> {
  for (const a of attached) {
    try {
      const raw = await ctx.docker.inspectAnswer(a.containerId);
      if (!raw) throw new DualError(`no such container: ${a.containerName}`);
      const declared = config.attached[a.name];
      const spec = declared ? await declaredSpec(ctx, ws, a.name, declared) : cloneSpec(raw, a.containerName, ws.containerId);
      keepAnonymousVolumes(spec, raw);
      const stoppedByUser = isUserStopped(ctx, a.containerId);
      // Without v=1: the anonymous volumes now belong to the new container.
      await ctx.docker.removeContainer(a.containerId, { keepVolumes: true });
      clearUserStopped(ctx, a.containerId);
      const id = await ctx.docker.createContainer(spec);
      if (stoppedByUser) markUserStopped(ctx, id);
      else await ctx.docker.startContainer(id);
    } catch (error) {
      ctx.log(
        `dual: warning: attached container '${a.name}' of ${ws.id} could not rejoin the new container: ${(error as Error).message.split('\n')[0]}; attach it again with \`${shellCommand(['dual', 'attach', ws.id, a.name, '--image', a.image])}\``,
      );
    }
  }
}

async function declaredSpec(
  ctx: Context,
  ws: WorkspaceRef,
  name: string,
  declared: DualJson['attached'][string],
): Promise<ContainerSpec> {
  const request = declaredRequest(name, declared);
  const target = await attachTarget(ctx, ws, request.mountWorktree);
  // Creating an existing volume is a no-op that keeps its data; a newly declared one is made.
  for (const volume of attachedVolumes(target, request)) await ctx.docker.createVolume(volume);
  return attachedContainerSpec(target, request, hostUser());
}

/** The same container, joined to another namespace. */
function cloneSpec(raw: ContainerInspect, name: string, workspaceContainerId: string): ContainerSpec {
  const config = raw.Config ?? {};
  const host = raw.HostConfig ?? {};
  return {
    name,
    image: config.Image ?? '',
    cmd: config.Cmd ?? undefined,
    user: config.User || undefined,
    workingDir: config.WorkingDir ?? '',
    env: Object.fromEntries((config.Env ?? []).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])),
    labels: config.Labels ?? {},
    binds: (host.Binds ?? []).map(parseBind),
    volumes: (host.Mounts ?? []).filter((m) => m.Type === 'volume').map((m) => ({ name: m.Source, target: m.Target })),
    publishLoopback: [],
    networkMode: `container:${workspaceContainerId}`,
    init: host.Init ?? true,
    memoryBytes: host.Memory || undefined,
    nanoCpus: host.NanoCpus || undefined,
    stopTimeoutSeconds: config.StopTimeout,
  };
}

function parseBind(bind: string): { source: string; target: string; readOnly?: boolean } {
  const [source = '', target = '', mode = ''] = bind.split(':');
  return { source, target, ...(mode.split(',').includes('ro') ? { readOnly: true } : {}) };
}

/** Volumes the image declared (mounted without a name) are carried over by their generated name. */
function keepAnonymousVolumes(spec: ContainerSpec, raw: ContainerInspect): void {
  const targets = new Set([...spec.volumes.map((v) => v.target), ...spec.binds.map((b) => b.target)]);
  for (const mount of raw.Mounts ?? []) {
    if (mount.Type === 'volume' && mount.Name && !targets.has(mount.Destination)) {
      spec.volumes.push({ name: mount.Name, target: mount.Destination });
    }
  }
}
