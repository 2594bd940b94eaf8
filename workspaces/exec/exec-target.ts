import { existsSync, realpathSync } from 'node:fs';
import { posix, relative, resolve } from 'node:path';
import type { DockerEngine } from '../../src/adapters/docker/engine.js';
import { DualError } from '../../src/model/errors.js';
import { homeFilters, LABEL } from '../../src/model/labels.js';
import type { Workspace } from '../../src/model/workspace.js';
import { resolveWorkspace } from '../resolve.js';

/** Where `dual exec` or `dual attached exec` runs its command. */
export interface ExecTarget {
  /** The workspace whose activity this is (idle sleep). */
  workspaceId: string;
  containerId: string;
  /** Empty: the container's own working directory. */
  workingDir: string;
}

/**
 * A workspace's container, named or found from the current directory; it must have its
 * worktree and run. `wake` may start a workspace put to sleep (true: it did).
 */
export async function workspaceExecTarget(
  docker: DockerEngine,
  id: string | undefined,
  cwd: string,
  home: string,
  workdir: string | undefined,
  wake: (workspace: Workspace) => Promise<boolean>,
): Promise<ExecTarget> {
  let workspace = await resolveWorkspace(docker, id, cwd, home);
  if (!existsSync(workspace.worktree)) {
    throw new DualError(`workspace '${workspace.id}' has lost its worktree ${workspace.worktree}; remove it with \`dual destroy ${workspace.id}\``);
  }
  if (await wake(workspace)) workspace = await resolveWorkspace(docker, workspace.id, cwd, home);
  if (!workspace.running) {
    throw new DualError(`workspace '${workspace.id}' is stopped (${workspace.state}); start it with \`dual start ${workspace.id}\``);
  }
  return { workspaceId: workspace.id, containerId: workspace.containerId!, workingDir: workingDirectory(workspace.worktree, cwd, workdir) };
}

/** An attached container of this DUAL_HOME, found by its labels (never by a name prefix); it must run. */
export async function attachedExecTarget(docker: DockerEngine, workspace: string, name: string, home: string, workdir?: string): Promise<ExecTarget> {
  const [match] = await docker.listContainers(homeFilters(home, `${LABEL.workspace}=${workspace}`, `${LABEL.attached}=${name}`));
  if (!match) throw new DualError(`workspace '${workspace}' has no attached container '${name}'; see \`dual attached ${workspace}\``);
  if (match.state !== 'running') {
    throw new DualError(`attached container '${name}' of ${workspace} is ${match.state}; start it with \`dual attached start ${workspace} ${name}\``);
  }
  // Empty = the container's own working directory (the worktree when it is mounted).
  return { workspaceId: workspace, containerId: match.id, workingDir: workdir ?? '' };
}

/**
 * The same relative directory as the caller when the caller is inside the worktree (the
 * worktree is mounted at its host path), else the worktree root; -w resolves against that.
 */
export function workingDirectory(worktree: string, cwd: string, workdir?: string): string {
  let base = worktree;
  try {
    const here = realpathSync(cwd);
    const rel = relative(worktree, here);
    if (rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel))) base = resolve(worktree, rel);
  } catch {
    // cwd vanished: use the root
  }
  if (!workdir) return base;
  return posix.isAbsolute(workdir) ? workdir : posix.join(base, workdir);
}
