import type { ContainerDetails, ContainerSpec, ContainerSummary } from './engine.js';
import type { ContainerInspect, ContainerListEntry } from './api-types.js';

/** Engine API answers (as JSON) mapped to dual's shapes, and dual's spec to a create body. Pure. */
export function toSummary(c: ContainerListEntry): ContainerSummary {
  return {
    id: c.Id,
    name: (c.Names[0] ?? '').replace(/^\//, ''),
    state: c.State,
    status: c.Status,
    image: c.Image,
    labels: c.Labels ?? {},
    ipAddress: Object.values(c.NetworkSettings?.Networks ?? {})[0]?.IPAddress ?? '',
  };
}

export function toDetails(c: ContainerInspect): ContainerDetails {
  const networks = Object.values(c.NetworkSettings?.Networks ?? {});
  const state = c.State?.Status ?? 'unknown';
  return {
    id: c.Id,
    name: c.Name.replace(/^\//, ''),
    state,
    status: state,
    image: c.Config?.Image ?? '',
    labels: c.Config?.Labels ?? {},
    running: c.State?.Running ?? false,
    startedAt: c.State?.StartedAt ?? '',
    finishedAt: c.State?.FinishedAt ?? '',
    networkMode: c.HostConfig?.NetworkMode ?? '',
    ipAddress: networks[0]?.IPAddress ?? '',
    user: c.Config?.User ?? '',
    workingDir: c.Config?.WorkingDir ?? '',
    env: c.Config?.Env ?? [],
    mounts: (c.Mounts ?? []).map((m) => ({ type: m.Type, name: m.Name, source: m.Source, destination: m.Destination })),
  };
}

export function createBody(spec: ContainerSpec): Record<string, unknown> {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of spec.publishLoopback) {
    exposed[`${port}/tcp`] = {};
    bindings[`${port}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: '' }];
  }
  return {
    Image: spec.image,
    Cmd: spec.cmd,
    Entrypoint: spec.entrypoint,
    // A container in another's network namespace cannot have its own hostname.
    Hostname: spec.networkMode?.startsWith('container:') ? undefined : spec.hostname,
    User: spec.user,
    WorkingDir: spec.workingDir,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    Labels: spec.labels,
    ExposedPorts: exposed,
    OpenStdin: spec.openStdin ?? false,
    NetworkDisabled: spec.networkDisabled,
    StopTimeout: spec.stopTimeoutSeconds,
    HostConfig: {
      Init: spec.init,
      // Mounts, not `src:dst` Binds strings: a path holding ':' stays one path, and a missing
      // source is an error instead of an empty directory Docker would create as root.
      Mounts: [
        ...spec.binds.map((b) => ({ Type: 'bind', Source: b.source, Target: b.target, ReadOnly: b.readOnly ?? false })),
        ...spec.volumes.map((v) => ({ Type: 'volume', Source: v.name, Target: v.target, ReadOnly: v.readOnly ?? false })),
      ],
      PortBindings: bindings,
      NetworkMode: spec.networkMode,
      Memory: spec.memoryBytes,
      NanoCpus: spec.nanoCpus,
    },
  };
}
