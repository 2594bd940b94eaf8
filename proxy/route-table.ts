import type { ContainerRecord } from './container-record.js';

export type UpstreamMode = 'bridge' | 'published';

export interface Upstream {
  host: string;
  port: number;
  /** `http://host:port`: the key of the connection pool. */
  origin: string;
}

/** A workspace as the proxy serves it: its main container plus the sidecars attached to it. */
export interface WorkspaceView {
  id: string;
  main: ContainerRecord;
  attached: ContainerRecord[];
}

export type Resolution =
  | { kind: 'unknown' }
  | { kind: 'port-not-served'; workspace: WorkspaceView }
  | { kind: 'stopped'; workspace: WorkspaceView }
  | { kind: 'no-address'; workspace: WorkspaceView; mode: UpstreamMode }
  | { kind: 'route'; workspace: WorkspaceView; upstream: Upstream };

/**
 * Which container answers `<id>.localhost:<port>`. Pure data: discovery feeds it container
 * records, the request path asks it `resolve`. Keyed by container id so that two
 * containers carrying one workspace label (a re-create in progress) cannot overwrite each
 * other; the running one wins.
 */
export class RouteTable {
  private readonly containers = new Map<string, ContainerRecord>();
  private byWorkspace = new Map<string, WorkspaceView>();
  private upstreamCache = new Map<string, Upstream>();

  constructor(private mode: UpstreamMode = 'bridge') {}

  get upstreamMode(): UpstreamMode {
    return this.mode;
  }

  setUpstreamMode(mode: UpstreamMode): void {
    this.mode = mode;
    this.upstreamCache.clear();
  }

  /** Replaces everything (start-up and resync after an engine restart). */
  replaceAll(records: readonly ContainerRecord[]): void {
    this.containers.clear();
    for (const record of records) this.containers.set(record.containerId, record);
    this.reindex();
  }

  upsert(record: ContainerRecord): void {
    this.containers.set(record.containerId, record);
    this.reindex();
  }

  remove(containerId: string): void {
    if (this.containers.delete(containerId)) this.reindex();
  }

  has(containerId: string): boolean {
    return this.containers.has(containerId);
  }

  workspaces(): WorkspaceView[] {
    return [...this.byWorkspace.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  workspace(id: string): WorkspaceView | undefined {
    return this.byWorkspace.get(id);
  }

  /** Every port some workspace declares: the ports the proxy should listen on. */
  declaredPorts(): number[] {
    const ports = new Set<number>();
    for (const view of this.byWorkspace.values()) for (const port of view.main.ports) ports.add(port);
    return [...ports].sort((a, b) => a - b);
  }

  /** Upstream origins in use, so pools for addresses that went away can be closed. */
  liveOrigins(): Set<string> {
    const origins = new Set<string>();
    for (const view of this.byWorkspace.values()) {
      for (const port of view.main.ports) {
        const upstream = upstreamOf(view.main, port, this.mode);
        if (upstream) origins.add(upstream.origin);
      }
    }
    return origins;
  }

  resolve(id: string, port: number): Resolution {
    const workspace = this.byWorkspace.get(id);
    if (!workspace) return { kind: 'unknown' };
    const main = workspace.main;
    if (!main.ports.includes(port)) return { kind: 'port-not-served', workspace };
    if (main.state !== 'running') return { kind: 'stopped', workspace };
    // Cached per container+port: the request path builds no strings on a hit.
    const key = `${main.containerId}:${port}`;
    let upstream = this.upstreamCache.get(key);
    if (!upstream) {
      upstream = upstreamOf(main, port, this.mode);
      if (!upstream) return { kind: 'no-address', workspace, mode: this.mode };
      this.upstreamCache.set(key, upstream);
    }
    return { kind: 'route', workspace, upstream };
  }

  private reindex(): void {
    const views = new Map<string, WorkspaceView>();
    const sidecars: ContainerRecord[] = [];
    for (const record of this.containers.values()) {
      if (record.attached !== undefined) {
        sidecars.push(record);
        continue;
      }
      const existing = views.get(record.workspace);
      if (!existing || preferred(record, existing.main)) views.set(record.workspace, { id: record.workspace, main: record, attached: [] });
    }
    for (const sidecar of sidecars) views.get(sidecar.workspace)?.attached.push(sidecar);
    this.byWorkspace = views;
    this.upstreamCache = new Map();
  }
}

function preferred(candidate: ContainerRecord, current: ContainerRecord): boolean {
  if ((candidate.state === 'running') !== (current.state === 'running')) return candidate.state === 'running';
  return candidate.containerId < current.containerId;
}

function upstreamOf(record: ContainerRecord, port: number, mode: UpstreamMode): Upstream | undefined {
  if (mode === 'bridge') {
    if (!record.bridgeIp) return undefined;
    return { host: record.bridgeIp, port, origin: `http://${record.bridgeIp}:${port}` };
  }
  const hostPort = record.published[port];
  if (!hostPort) return undefined;
  return { host: '127.0.0.1', port: hostPort, origin: `http://127.0.0.1:${hostPort}` };
}
