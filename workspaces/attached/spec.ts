import { posix } from 'node:path';
import type { ContainerSpec } from '../../src/adapters/docker/engine.js';
import { LABEL } from '../../src/model/labels.js';
import { attachedContainerName, slugify } from '../../src/model/naming.js';
import { VERSION } from '../../src/model/version.js';
import type { HostUser } from '../container-spec.js';
import { gitViewBinds, type GitLayout } from '../git-view.js';
import type { HostShares } from '../host-shares.js';

/** The workspace an attached container joins. */
export interface AttachTarget {
  id: string;
  repo: string;
  branch: string;
  worktree: string;
  /** The running workspace container; its network namespace is shared. */
  containerId: string;
  /** The DUAL_HOME of the workspace (label dual.home): every query of attached containers filters by it. */
  home: string;
  /** Needed only with mountWorktree, so git works inside (the workspace's own view, see git-view.ts). */
  git?: GitLayout;
  /** The workspace's own volumes (node_modules...), shown to a container that mounts the worktree. */
  workspaceVolumes: Array<{ name: string; target: string }>;
  /** What the host lends the workspace's containers (CA trust; the npm cache with mountWorktree). */
  shares: HostShares;
}

export interface AttachRequest {
  name: string;
  image: string;
  env: Record<string, string>;
  /** Main process; undefined = the image's own command. */
  cmd?: string[];
  mountWorktree: boolean;
  memoryBytes?: number;
  nanoCpus?: number;
  /** Absolute paths inside the attached container kept in named, labelled volumes. */
  volumes: string[];
}

/** Seconds before SIGKILL: longer than a workspace's 3 s, databases need time to flush. */
export const ATTACHED_STOP_TIMEOUT_SECONDS = 10;

function attachedLabels(target: AttachTarget, name: string): Record<string, string> {
  return {
    [LABEL.workspace]: target.id,
    [LABEL.attached]: name,
    [LABEL.repo]: target.repo,
    [LABEL.branch]: target.branch,
    [LABEL.version]: VERSION,
    [LABEL.home]: target.home,
  };
}

/** Named volumes of an attached container: labelled like it, so destroy and cleanup find them. */
export function attachedVolumes(target: AttachTarget, request: AttachRequest) {
  return request.volumes.map((path) => ({
    name: `${attachedContainerName(target.id, request.name)}-v-${slugify(path) || 'root'}`,
    target: posix.normalize(path),
    labels: { ...attachedLabels(target, request.name), [LABEL.volume]: path },
  }));
}

/**
 * `--network=container:<workspace container id>`: the attached container has no network of
 * its own, so it reaches the workspace's localhost services and they reach its ports, with
 * nothing published and no clash between branches. With mountWorktree it sees the worktree
 * at its host path (and the workspace's volumes), starts there and runs as the host user, as
 * the workspace does, so files it writes stay the user's. Every attached container trusts
 * what the host trusts (host-trust.ts), as the workspace does.
 */
export function attachedContainerSpec(target: AttachTarget, request: AttachRequest, user: HostUser): ContainerSpec {
  const env: Record<string, string> = {
    DUAL_WORKSPACE: target.id,
    DUAL_REPO: target.repo,
    DUAL_BRANCH: target.branch,
    DUAL_ATTACHED: request.name,
  };
  const binds: ContainerSpec['binds'] = [...target.shares.binds];
  const volumes = attachedVolumes(target, request).map(({ name, target: path }) => ({ name, target: path }));
  let workingDir = '';
  let runAs: string | undefined;
  if (request.mountWorktree) {
    if (target.git) binds.push(...gitViewBinds(target.worktree, target.git));
    else binds.push({ source: target.worktree, target: target.worktree });
    volumes.push(...target.workspaceVolumes);
    workingDir = target.worktree;
    if (user.uid !== 0) {
      runAs = `${user.uid}:${user.gid}`;
      env.HOME = '/tmp';
    }
  }
  Object.assign(env, target.shares.env, request.env);
  return {
    name: attachedContainerName(target.id, request.name),
    image: request.image,
    cmd: request.cmd,
    user: runAs,
    workingDir,
    env,
    labels: attachedLabels(target, request.name),
    binds,
    volumes,
    publishLoopback: [],
    networkMode: `container:${target.containerId}`,
    init: true,
    memoryBytes: request.memoryBytes,
    nanoCpus: request.nanoCpus,
    stopTimeoutSeconds: ATTACHED_STOP_TIMEOUT_SECONDS,
  };
}
