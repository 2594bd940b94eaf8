import type { WorktreeSummary } from '../../src/adapters/git/git.js';
import { workspaceUrl } from '../../src/model/workspace.js';
import type { WorkspaceView } from '../route-table.js';
import type { ActionRecord } from './actions.js';
import type { MarkerFacts } from './markers.js';
import { STATUS_TEXT, workspaceStatus, type WorkspaceStatus } from './workspace-status.js';

/**
 * What the page receives: every workspace with everything the dashboard shows about it, as
 * plain data. Pure: the live model gathers the facts, this puts them together. Every string
 * in it may come from a hostile branch (branch names, commit subjects): the page only ever
 * puts them into text nodes.
 */
export interface DashboardSnapshot {
  engineConnected: boolean;
  workspaces: DashboardWorkspace[];
  /** Dashboard actions running or finished in the last minutes, with the CLI's message. */
  actions: readonly ActionRecord[];
}

export interface DashboardWorkspace {
  id: string;
  repo: string;
  branch: string;
  worktree: string;
  containerState: string;
  status: WorkspaceStatus;
  statusLabel: string;
  statusDetail: string;
  setupExitCode: number | null;
  ports: Array<{ port: number; url: string; answers: boolean | null }>;
  commit: { sha: string; subject: string; committedAt: number } | null;
  /** Paths with uncommitted changes; null until git was read. */
  changes: number | null;
  cpuPercent: number | null;
  memoryBytes: number | null;
  attached: Array<{ name: string; state: string; cpuPercent: number | null; memoryBytes: number | null }>;
}

export interface Usage {
  cpuPercent: number;
  memoryBytes: number;
}

export interface SnapshotFacts {
  engineConnected: boolean;
  /** `<container id>:<port>` -> answers. */
  health: ReadonlyMap<string, boolean>;
  /** worktree -> summary. */
  git: ReadonlyMap<string, WorktreeSummary>;
  /** container id -> usage (running containers only). */
  usage: ReadonlyMap<string, Usage>;
  markers(containerId: string, workspaceId: string): MarkerFacts;
  /** Of the workspace links: `https` once the CA is trusted. */
  scheme?: 'http' | 'https';
}

export function healthKey(containerId: string, port: number): string {
  return `${containerId}:${port}`;
}

export function buildSnapshot(views: readonly WorkspaceView[], actions: readonly ActionRecord[], facts: SnapshotFacts): DashboardSnapshot {
  return { engineConnected: facts.engineConnected, workspaces: views.map((view) => describeWorkspace(view, facts)), actions };
}

function describeWorkspace(view: WorkspaceView, facts: SnapshotFacts): DashboardWorkspace {
  const main = view.main;
  const running = main.state === 'running';
  const ports = main.ports.map((port) => {
    const answers = running ? facts.health.get(healthKey(main.containerId, port)) : undefined;
    return { port, url: workspaceUrl(view.id, port, facts.scheme), answers: answers ?? null };
  });
  const markers = facts.markers(main.containerId, view.id);
  const status = workspaceStatus({
    containerState: main.state,
    portsAnswer: ports.map((p) => (running ? (p.answers ?? undefined) : false)),
    setupFailed: main.hasSetup === true && markers.setupFailed !== undefined,
    setupRunning: main.hasSetup === true && markers.setupUnfinished === true,
    sleeping: markers.sleeping,
  });
  const git = facts.git.get(main.worktree);
  const usage = running ? facts.usage.get(main.containerId) : undefined;
  return {
    id: view.id,
    repo: main.repo,
    branch: main.branch,
    worktree: main.worktree,
    containerState: main.state,
    status,
    statusLabel: STATUS_TEXT[status].name,
    statusDetail: STATUS_TEXT[status].detail,
    setupExitCode: markers.setupFailed?.exitCode ?? null,
    ports,
    commit: git?.head ?? null,
    changes: git ? git.changes : null,
    cpuPercent: usage?.cpuPercent ?? null,
    memoryBytes: usage?.memoryBytes ?? null,
    attached: view.attached
      .map((a) => {
        const use = a.state === 'running' ? facts.usage.get(a.containerId) : undefined;
        return { name: a.attached ?? a.name, state: a.state, cpuPercent: use?.cpuPercent ?? null, memoryBytes: use?.memoryBytes ?? null };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
