import { realpathSync } from 'node:fs';
import { sep } from 'node:path';
import { LeanDockerClient, isNotFound } from '../src/adapters/docker/lean-client.js';
import { DualError } from '../src/model/errors.js';
import { homeFilters, LABEL } from '../src/model/labels.js';
import { containerName } from '../src/model/naming.js';
import { isWorkspaceContainer, workspaceFromLabels, type Workspace } from '../src/model/workspace.js';

interface InspectAnswer {
  Id: string;
  Name: string;
  State: { Status: string };
  Config: { Labels: Record<string, string> | null; User: string };
}

/**
 * Finds a workspace by id (one inspect call) or, with no id, by the current directory
 * (one list call): the workspace whose worktree contains it. Uses the lean client because
 * this runs on every `dual exec`.
 */
export async function resolveWorkspace(client: LeanDockerClient, id: string | undefined, cwd: string, home: string): Promise<Workspace> {
  if (id) return byId(client, id, home);
  const here = safeRealpath(cwd);
  const all = await listWorkspaceContainers(client, home);
  const match = all
    .filter((w) => here === w.worktree || here.startsWith(w.worktree + sep))
    .sort((a, b) => b.worktree.length - a.worktree.length)[0];
  if (!match) {
    throw new DualError(`${cwd} is not inside a workspace's worktree; name the workspace (see \`dual list\`)`);
  }
  return match;
}

async function byId(client: LeanDockerClient, id: string, home: string): Promise<Workspace> {
  try {
    const c = await client.request<InspectAnswer>('GET', `/containers/${encodeURIComponent(containerName(id))}/json`);
    const labels = c.Config.Labels ?? {};
    if (isWorkspaceContainer(labels) && labels[LABEL.workspace] === id && labels[LABEL.home] === home) {
      return workspaceFromLabels(labels, { id: c.Id, name: c.Name.replace(/^\//, ''), state: c.State.Status });
    }
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  throw new DualError(`no workspace '${id}'; see \`dual list\` for the workspaces there are`);
}

export async function listWorkspaceContainers(client: LeanDockerClient, home: string): Promise<Workspace[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: homeFilters(home, LABEL.workspace) }));
  const list = await client.request<Array<{ Id: string; Names: string[]; State: string; Labels: Record<string, string> | null }>>(
    'GET',
    `/containers/json?all=1&filters=${filters}`,
  );
  return list
    .filter((c) => isWorkspaceContainer(c.Labels ?? {}))
    .map((c) => workspaceFromLabels(c.Labels ?? {}, { id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), state: c.State }));
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
