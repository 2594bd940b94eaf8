import { realpathSync } from 'node:fs';
import { sep } from 'node:path';
import type { DockerEngine } from '../src/adapters/docker/engine.js';
import { DualError } from '../src/model/errors.js';
import { homeFilters, LABEL } from '../src/model/labels.js';
import { containerName } from '../src/model/naming.js';
import { isWorkspaceContainer, workspaceFromLabels, type Workspace } from '../src/model/workspace.js';

/**
 * Finds a workspace by id (one inspect call) or, with no id, by the current directory
 * (one list call): the workspace whose worktree contains it. One request either way: this
 * runs on every `dual exec`.
 */
export async function resolveWorkspace(docker: DockerEngine, id: string | undefined, cwd: string, home: string): Promise<Workspace> {
  if (id) return byId(docker, id, home);
  const here = safeRealpath(cwd);
  const all = await listWorkspaceContainers(docker, home);
  const match = all
    .filter((w) => here === w.worktree || here.startsWith(w.worktree + sep))
    .sort((a, b) => b.worktree.length - a.worktree.length)[0];
  if (!match) {
    throw new DualError(`${cwd} is not inside a workspace's worktree; name the workspace (see \`dual list\`)`);
  }
  return match;
}

async function byId(docker: DockerEngine, id: string, home: string): Promise<Workspace> {
  const c = await docker.inspectContainer(containerName(id));
  if (c && isWorkspaceContainer(c.labels) && c.labels[LABEL.workspace] === id && c.labels[LABEL.home] === home) return workspaceFromLabels(c.labels, c);
  throw new DualError(`no workspace '${id}'; see \`dual list\` for the workspaces there are`);
}

export async function listWorkspaceContainers(docker: DockerEngine, home: string): Promise<Workspace[]> {
  const list = await docker.listContainers(homeFilters(home, LABEL.workspace));
  return list.filter((c) => isWorkspaceContainer(c.labels)).map((c) => workspaceFromLabels(c.labels, c));
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
