import { connect } from 'node:net';
import type { UpstreamMode } from './route-table.js';

export type UpstreamSetting = 'auto' | UpstreamMode;

/**
 * auto: container IPs on Linux (fastest, no published port needed); loopback-published
 * ports where the host cannot reach container IPs (Docker Desktop, docker/for-mac#155).
 */
export function chooseUpstreamMode(setting: UpstreamSetting, facts: { platform: NodeJS.Platform; dockerDesktop: boolean; bridgeReachable?: boolean }): UpstreamMode {
  if (setting !== 'auto') return setting;
  if (facts.platform !== 'linux' || facts.dockerDesktop) return 'published';
  return facts.bridgeReachable === false ? 'published' : 'bridge';
}

/**
 * Can the host open TCP connections to a container IP? A refused connection counts as yes
 * (the packet got there and back); a timeout or "unreachable" means the IP is not routable
 * from here.
 */
export function probeReachable(host: string, port: number, timeoutMs = 1_500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (reachable: boolean) => {
      socket.destroy();
      resolve(reachable);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code === 'ECONNREFUSED'));
  });
}
