import { posix } from 'node:path';
import type { WorkspaceConfig } from '../src/adapters/config/dual-json.js';
import type { ContainerSpec } from '../src/adapters/docker/engine.js';
import { formatPortsLabel, LABEL } from '../src/model/labels.js';
import { containerName, volumeName, WORKSPACE_NETWORK } from '../src/model/naming.js';
import { VERSION } from '../src/model/version.js';
import { SETUP_STATE_MOUNT, setupStateDir } from '../src/model/setup-state.js';
import { configLabel } from './config-drift.js';
import { entryCommand, ENTRY_PROTOCOL } from './entry.js';
import { gitViewBinds, type GitLayout } from './git-view.js';
import type { HostShares } from './host-shares.js';

export interface WorkspaceIdentity {
  id: string;
  repo: string;
  branch: string;
  /** Real path of the worktree on the host; mounted at the same path inside. */
  worktree: string;
  /** The repo's git directories, mounted at their own paths so git works inside (see git-view.ts). */
  git: GitLayout;
  /** The DUAL_HOME this workspace belongs to (label dual.home). */
  home: string;
}

export interface HostUser {
  uid: number;
  gid: number;
}

/** Seconds Docker waits after SIGTERM before SIGKILL; the init process makes SIGTERM effective. */
export const STOP_TIMEOUT_SECONDS = 3;

function workspaceLabels(identity: WorkspaceIdentity, config: WorkspaceConfig): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL.workspace]: identity.id,
    [LABEL.repo]: identity.repo,
    [LABEL.branch]: identity.branch,
    [LABEL.worktree]: identity.worktree,
    [LABEL.ports]: formatPortsLabel(config.ports),
    [LABEL.version]: VERSION,
    [LABEL.home]: identity.home,
  };
  labels[LABEL.config] = configLabel(config);
  labels[LABEL.entry] = ENTRY_PROTOCOL;
  if (config.hostHeader === 'localhost') labels[LABEL.hostRewrite] = 'localhost';
  if (config.idle) labels[LABEL.idle] = String(config.idle.stopAfterMinutes);
  return labels;
}

export function workspaceVolumes(identity: WorkspaceIdentity, config: WorkspaceConfig) {
  return config.volumes.map((path) => ({
    name: volumeName(identity.id, path),
    target: posix.join(identity.worktree, path),
    labels: { [LABEL.workspace]: identity.id, [LABEL.repo]: identity.repo, [LABEL.home]: identity.home, [LABEL.volume]: path },
  }));
}

/**
 * The workspace container: worktree at its host path (so paths in errors and stack traces
 * match the host's), hostname = workspace id, the host user's uid:gid when not root (files
 * written into the worktree stay the user's), an init process as PID 1 (reaps zombies,
 * makes stop fast), dev ports published on loopback only as a fallback route for
 * engines whose container IPs the host cannot reach (Docker Desktop), and the isolating
 * workspace network (no workspace reaches another; see network.ts). `shares`: what the
 * host lends it (its CA trust, the npm cache; host-shares.ts).
 */
export function workspaceContainerSpec(
  identity: WorkspaceIdentity,
  config: WorkspaceConfig,
  image: string,
  user: HostUser,
  shares: HostShares,
): ContainerSpec {
  const binds: ContainerSpec['binds'] = gitViewBinds(identity.worktree, identity.git);
  binds.push(...shares.binds);
  // Where the entry script records setup's progress; this workspace's directory only.
  binds.push({ source: setupStateDir(identity.home, identity.id), target: SETUP_STATE_MOUNT });
  const env: Record<string, string> = {
    DUAL_WORKSPACE: identity.id,
    DUAL_REPO: identity.repo,
    DUAL_BRANCH: identity.branch,
  };
  // A uid with no passwd entry gets HOME=/ (not writable): give tools a writable home.
  if (user.uid !== 0) env.HOME = '/tmp';
  Object.assign(env, shares.env, config.env);
  const volumes = workspaceVolumes(identity, config);
  return {
    name: containerName(identity.id),
    image,
    // Setup, then start, in one main process (see entry.ts).
    cmd: entryCommand(config, volumes.map((v) => v.target)),
    hostname: identity.id,
    user: user.uid === 0 ? undefined : `${user.uid}:${user.gid}`,
    workingDir: identity.worktree,
    env,
    labels: workspaceLabels(identity, config),
    binds,
    volumes: volumes.map(({ name, target }) => ({ name, target })),
    publishLoopback: config.ports,
    networkMode: WORKSPACE_NETWORK,
    init: true,
    stopTimeoutSeconds: STOP_TIMEOUT_SECONDS,
  };
}
