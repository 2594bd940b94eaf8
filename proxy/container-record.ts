import type { ContainerInspect } from '../src/adapters/docker/api-types.js';
import { LABEL, parsePortsLabel } from '../src/model/labels.js';
import { containerHasSetup } from '../src/model/setup-state.js';
import { WORKSPACE_NETWORK } from '../src/model/naming.js';
import { identityFromLabels } from '../src/model/workspace.js';
import { idleMinutes } from '../src/model/sleep-state.js';

/**
 * What the proxy knows about one labelled container, read from `docker inspect`. Docker is
 * the source of truth: the proxy keeps no state of its own that could drift from it.
 */
export interface ContainerRecord {
  containerId: string;
  /** The workspace id (`dual.workspace` label). */
  workspace: string;
  /** Set on sidecars (`dual.attached`): they share the workspace's netns and are never routed to. */
  attached?: string;
  name: string;
  /** Docker's state: running | exited | created | paused | restarting | dead. */
  state: string;
  repo: string;
  branch: string;
  worktree: string;
  ports: number[];
  /** Runs `setup` in dual's entry script before `start` (the dashboard shows "setting up" meanwhile). */
  hasSetup?: boolean;
  /** Present `localhost:<port>` as Host and Origin upstream (Vite allowedHosts, Next.js dev origins). */
  hostRewrite: boolean;
  /** Address on the workspace network (the default bridge for containers made before it); empty when stopped. */
  bridgeIp: string;
  /** container port -> 127.0.0.1 host port it is published on (empty when stopped). */
  published: Record<number, number>;
  /** `.dual.json` `idle.stopAfterMinutes` (label `dual.idle-minutes`): the idle sweep puts it to sleep after that long unused. */
  idleMinutes?: number;
}

export function recordFromInspect(answer: ContainerInspect): ContainerRecord | undefined {
  const labels = answer.Config?.Labels ?? {};
  const { id: workspace, repo, branch, worktree } = identityFromLabels(labels);
  if (!workspace) return undefined;
  const settings = answer.NetworkSettings ?? {};
  return {
    containerId: answer.Id,
    workspace,
    attached: labels[LABEL.attached],
    name: answer.Name.replace(/^\//, ''),
    state: answer.State?.Status ?? 'unknown',
    repo,
    branch,
    worktree,
    ports: labels[LABEL.ports] === undefined ? [3000] : parsePortsLabel(labels[LABEL.ports]),
    hostRewrite: labels[LABEL.hostRewrite] === 'localhost',
    hasSetup: containerHasSetup(labels),
    // The network dual put it on first (the top-level IPAddress is empty on user-defined
    // networks); containers made before the workspace network are on the default bridge.
    bridgeIp:
      settings.Networks?.[WORKSPACE_NETWORK]?.IPAddress ||
      settings.Networks?.bridge?.IPAddress ||
      settings.IPAddress ||
      firstNetworkIp(settings.Networks) ||
      '',
    published: publishedPorts(settings.Ports),
    idleMinutes: idleMinutes(labels),
  };
}

function firstNetworkIp(networks: Record<string, { IPAddress?: string }> | null | undefined): string | undefined {
  return Object.values(networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
}

/** Prefers the 127.0.0.1 binding: that is the one dual asks for, and the only one the proxy may use. */
function publishedPorts(ports: NonNullable<ContainerInspect['NetworkSettings']>['Ports']): Record<number, number> {
  const result: Record<number, number> = {};
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    const [port, proto] = key.split('/');
    if (proto !== 'tcp' || !bindings) continue;
    const binding = bindings.find((b) => b.HostIp === '127.0.0.1') ?? bindings.find((b) => b.HostIp === '0.0.0.0' || !b.HostIp);
    const hostPort = Number(binding?.HostPort);
    if (Number.isInteger(hostPort) && hostPort > 0) result[Number(port)] = hostPort;
  }
  return result;
}
