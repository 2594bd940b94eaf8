import type { Context } from '../../src/adapters/context.js';
import { listWorkspaces } from '../list.js';
import type { Workspace } from '../../src/model/workspace.js';
import { attachedByWorkspace, type Attached } from './find.js';

export interface Usage {
  cpuPercent: number;
  memoryBytes: number;
}

export interface WorkspaceStatus {
  id: string;
  repo: string;
  branch: string;
  /** As `dual list` says it: running means serving (setup succeeded, every port answers). */
  state: string;
  setup?: Workspace['setup'];
  endpoints?: Workspace['endpoints'];
  /** The workspace container plus its running attached containers; undefined when nothing runs. */
  usage?: Usage;
  attached: Array<Attached & { usage?: Usage }>;
}

export interface StatusReport {
  workspaces: WorkspaceStatus[];
}

/** `dual status`: one summary. Stats are read in parallel (each takes the engine ~1 s to sample). */
export async function statusReport(ctx: Context): Promise<StatusReport> {
  const [workspaces, groups] = await Promise.all([listWorkspaces(ctx, { probe: true }), attachedByWorkspace(ctx)]);
  const sample = async (containerId: string | undefined, running: boolean): Promise<Usage | undefined> => {
    if (!containerId || !running) return undefined;
    try {
      const s = await ctx.docker.stats(containerId);
      return { cpuPercent: s.cpuPercent, memoryBytes: s.memoryBytes };
    } catch {
      return undefined; // stopped between list and stats
    }
  };
  const rows = await Promise.all(
    workspaces.map(async (w): Promise<WorkspaceStatus> => {
      const attached = await Promise.all(
        (groups.get(w.id) ?? []).map(async (a) => ({ ...a, usage: await sample(a.containerId, a.state === 'running') })),
      );
      const own = await sample(w.containerId, w.running);
      const parts = [own, ...attached.map((a) => a.usage)].filter((u): u is Usage => u !== undefined);
      const usage = parts.length
        ? parts.reduce((sum, u) => ({ cpuPercent: sum.cpuPercent + u.cpuPercent, memoryBytes: sum.memoryBytes + u.memoryBytes }))
        : undefined;
      return { id: w.id, repo: w.repo, branch: w.branch, state: w.state, setup: w.setup, endpoints: w.endpoints, usage, attached };
    }),
  );
  return { workspaces: rows };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)}GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)}MiB`;
  return `${Math.round(bytes / 1024)}KiB`;
}
