import type { DockerDiscovery } from './docker-discovery.js';
import type { ProxyLog } from './log.js';
import type { RouteTable, UpstreamMode } from './route-table.js';
import { chooseUpstreamMode, probeReachable, type UpstreamSetting } from './upstream-mode.js';

/**
 * How the proxy reaches containers, from the setting and what it has learnt about this host:
 * Docker Desktop (asked once at start) and, for `auto` on Linux, whether container IPs
 * answer (probed once, on the first running workspace).
 */
export class UpstreamChoice {
  private dockerDesktop = false;
  /** undefined: not probed yet. */
  private bridgeReachable: boolean | undefined;
  private probe: Promise<void> | undefined;

  constructor(
    private readonly setting: () => UpstreamSetting,
    private readonly log: ProxyLog,
  ) {}

  mode(): UpstreamMode {
    return chooseUpstreamMode(this.setting(), { platform: process.platform, dockerDesktop: this.dockerDesktop, bridgeReachable: this.bridgeReachable });
  }

  async detectDockerDesktop(discovery: DockerDiscovery): Promise<void> {
    try {
      this.dockerDesktop = await discovery.isDockerDesktop();
    } catch {
      // Engine not up yet: the route sync says so and keeps retrying.
    }
  }

  /** The setting changed: what was learnt about the bridge no longer applies. */
  settingChanged(): void {
    this.bridgeReachable = undefined;
    this.probe = undefined;
  }

  /**
   * auto on Linux: check once that container IPs are reachable; when they are not, switch the
   * table to published ports and call `switched`. A probe in flight is not started twice.
   */
  probeBridge(table: RouteTable, switched: () => void): Promise<void> {
    if (this.setting() !== 'auto' || this.bridgeReachable !== undefined || this.probe || table.upstreamMode !== 'bridge') return this.probe ?? Promise.resolve();
    const candidate = table.workspaces().find((w) => w.main.state === 'running' && w.main.bridgeIp);
    if (!candidate?.main.bridgeIp) return Promise.resolve();
    const probe = probeReachable(candidate.main.bridgeIp, candidate.main.ports[0] ?? 80).then((reachable) => {
      if (this.probe !== probe) return; // the setting changed meanwhile
      this.bridgeReachable = reachable;
      this.probe = undefined;
      if (reachable) return;
      this.log.warn('container IPs are not reachable from this host; using loopback-published ports');
      table.setUpstreamMode(this.mode());
      switched();
    });
    this.probe = probe;
    return probe;
  }
}
