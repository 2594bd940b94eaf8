import type { DualJson } from '../../src/adapters/config/dual-json.js';
import type { ContainerSpec } from '../../src/adapters/docker/engine.js';
import type { Context } from '../../src/adapters/context.js';
import { shellCommand } from '../../src/model/shell-quote.js';
import { hostUser } from '../host-user.js';
import { attachTarget, declaredRequest } from './attach.js';
import type { Attached } from './find.js';
import { attachedContainerSpec, attachedVolumes } from './spec.js';
import { clearUserStopped, isUserStopped, markUserStopped } from './user-stopped.js';
import type { WorkspaceRef } from '../../src/model/workspace.js';

/** The parts of an engine inspect answer a clone needs. */
interface RawInspect {
  Config: {
    Image: string;
    Cmd?: string[] | null;
    Env?: string[] | null;
    User?: string;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    StopTimeout?: number;
  };
  HostConfig: {
    Binds?: string[] | null;
    Mounts?: Array<{ Type: string; Source: string; Target: string }> | null;
    Init?: boolean | null;
    Memory?: number;
    NanoCpus?: number;
  };
  Mounts?: Array<{ Type: string; Name?: string; Destination: string }> | null;
}

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
      const raw = await ctx.engine.request<RawInspect>('GET', `/containers/${encodeURIComponent(a.containerId)}/json`);
      const declared = config.attached[a.name];
      const spec = declared ? await declaredSpec(ctx, ws, a.name, declared) : cloneSpec(raw, a.containerName, ws.containerId);
      keepAnonymousVolumes(spec, raw);
      const stoppedByUser = isUserStopped(ctx, a.containerId);
      // Without v=1: the anonymous volumes now belong to the new container.
      await ctx.engine.request('DELETE', `/containers/${encodeURIComponent(a.containerId)}?force=1`);
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
function cloneSpec(raw: RawInspect, name: string, workspaceContainerId: string): ContainerSpec {
  return {
    name,
    image: raw.Config.Image,
    cmd: raw.Config.Cmd ?? undefined,
    user: raw.Config.User || undefined,
    workingDir: raw.Config.WorkingDir ?? '',
    env: Object.fromEntries((raw.Config.Env ?? []).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])),
    labels: raw.Config.Labels ?? {},
    binds: (raw.HostConfig.Binds ?? []).map(parseBind),
    volumes: (raw.HostConfig.Mounts ?? []).filter((m) => m.Type === 'volume').map((m) => ({ name: m.Source, target: m.Target })),
    publishLoopback: [],
    networkMode: `container:${workspaceContainerId}`,
    init: raw.HostConfig.Init ?? true,
    memoryBytes: raw.HostConfig.Memory || undefined,
    nanoCpus: raw.HostConfig.NanoCpus || undefined,
    stopTimeoutSeconds: raw.Config.StopTimeout,
  };
}

function parseBind(bind: string): { source: string; target: string; readOnly?: boolean } {
  const [source = '', target = '', mode = ''] = bind.split(':');
  return { source, target, ...(mode.split(',').includes('ro') ? { readOnly: true } : {}) };
}

/** Volumes the image declared (mounted without a name) are carried over by their generated name. */
function keepAnonymousVolumes(spec: ContainerSpec, raw: RawInspect): void {
  const targets = new Set([...spec.volumes.map((v) => v.target), ...spec.binds.map((b) => b.target)]);
  for (const mount of raw.Mounts ?? []) {
    if (mount.Type === 'volume' && mount.Name && !targets.has(mount.Destination)) {
      spec.volumes.push({ name: mount.Name, target: mount.Destination });
    }
  }
}
