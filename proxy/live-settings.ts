import type { ProxySettings } from '../src/adapters/config/settings.js';
import { checkBind } from './bind.js';
import { normalizeDomains } from './host.js';
import type { UpstreamSetting } from './upstream-mode.js';

/** Flags and test options that override config.json for the life of the proxy. */
export interface SettingOverrides {
  ports?: number[];
  bind?: string[];
  allowRemote?: boolean;
  upstream?: UpstreamSetting;
  headersTimeoutMs?: number;
}

/** What a reload of config.json changed, for the proxy to act on. */
export interface SettingsChange {
  upstream: boolean;
  /** Bind addresses or the headers timeout: every listener is reopened with them. */
  listeners: boolean;
  /** A new proxy.bind that was refused (remote without --allow-remote); the old binds stay. */
  bindRefused?: string;
}

/**
 * The proxy's settings as they stand now: config.json (reloaded by settings-watch.ts) under
 * the command line's overrides. Every reader asks here, so a reload reaches all of them.
 */
export class LiveSettings {
  private current: ProxySettings;
  private binds: string[];
  private domainList: string[];

  constructor(
    initial: ProxySettings,
    private readonly overrides: SettingOverrides,
  ) {
    this.current = initial;
    this.binds = overrides.bind ?? initial.bind;
    this.domainList = normalizeDomains(initial.domains);
  }

  /** Addresses beyond loopback (a warning), or a DualError when remote binding was not allowed. */
  checkBinds(): string[] {
    return checkBind(this.binds, this.overrides.allowRemote ?? false).remote;
  }

  bind(): string[] {
    return this.binds;
  }

  domains(): string[] {
    return this.domainList;
  }

  https443(): boolean {
    return this.current.https443;
  }

  /** --port or proxy.ports: exactly these ports, whatever the workspaces declare. */
  pinnedPorts(): number[] | undefined {
    return this.overrides.ports ?? this.current.ports;
  }

  upstream(): UpstreamSetting {
    return this.overrides.upstream ?? this.current.upstream;
  }

  headersTimeoutMs(): number {
    return this.overrides.headersTimeoutMs ?? this.current.headersTimeoutSeconds * 1000;
  }

  apply(next: ProxySettings): SettingsChange {
    const previous = { upstream: this.upstream(), headersTimeoutMs: this.headersTimeoutMs() };
    this.current = next;
    this.domainList = normalizeDomains(next.domains);
    const change: SettingsChange = { upstream: this.upstream() !== previous.upstream, listeners: this.headersTimeoutMs() !== previous.headersTimeoutMs };
    if (!this.overrides.bind && next.bind.join() !== this.binds.join()) {
      try {
        checkBind(next.bind, this.overrides.allowRemote ?? false);
        this.binds = next.bind;
        change.listeners = true;
      } catch (error) {
        change.bindRefused = (error as Error).message;
      }
    }
    return change;
  }
}
