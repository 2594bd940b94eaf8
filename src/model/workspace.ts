import { LABEL, parsePortsLabel } from './labels.js';

/** A workspace as dual sees it, derived from its container's labels (Docker is the source of truth). */
export interface Workspace {
  id: string;
  repo: string;
  branch: string;
  worktree: string;
  ports: number[];
  containerId?: string;
  containerName: string;
  /**
   * running (serving: setup succeeded, every port answers) | 'running (3000 not listening)' |
   * 'setting up' | 'setup failed (exit N)' | exited | created | ... | 'container missing' |
   * 'worktree missing'. The setup and port parts only from `listWorkspaces` with probing.
   */
  state: string;
  /** The container runs (whatever its setup or ports do). */
  running: boolean;
  /** From `listWorkspaces` with probing. */
  setup?: { state: string; exitCode?: number };
  /** From `listWorkspaces` with probing: each declared port, its URL and whether it answers. */
  endpoints?: Array<{ port: number; url: string; listening: boolean }>;
}

export function isWorkspaceContainer(labels: Record<string, string>): boolean {
  return LABEL.workspace in labels && !(LABEL.attached in labels);
}

/** Which workspace: repo, branch and the worktree on the host, as the container's labels say. */
export interface WorkspaceKey {
  id: string;
  repo: string;
  branch: string;
  worktree: string;
}

/** A workspace whose container exists: what the workspace manager passes between its steps. */
export interface WorkspaceRef extends WorkspaceKey {
  containerId: string;
}

/**
 * Which workspace a container belongs to, as its labels say: the one label-to-model mapping,
 * used by the workspace manager (workspaceFromLabels) and the proxy (container-record.ts).
 */
export function identityFromLabels(labels: Record<string, string>): WorkspaceKey {
  return { id: labels[LABEL.workspace] ?? '', repo: labels[LABEL.repo] ?? '', branch: labels[LABEL.branch] ?? '', worktree: labels[LABEL.worktree] ?? '' };
}

export function workspaceFromLabels(
  labels: Record<string, string>,
  container: { id: string; name: string; state: string },
): Workspace {
  return {
    ...identityFromLabels(labels),
    ports: parsePortsLabel(labels[LABEL.ports]),
    containerId: container.id,
    containerName: container.name,
    state: container.state,
    running: container.state === 'running',
  };
}

/** The one way dual writes a workspace URL (CLI output, proxy pages, `dual urls`). */
/** `https` once `dual trust` has installed dual's CA (src/tls/trust-record.ts `urlScheme`); both work on every port. */
export function workspaceUrl(id: string, port: number, scheme: 'http' | 'https' = 'http'): string {
  return `${scheme}://${id}.localhost:${port}`;
}

export function workspaceUrls(id: string, ports: readonly number[], scheme: 'http' | 'https' = 'http'): string[] {
  return ports.map((port) => workspaceUrl(id, port, scheme));
}
