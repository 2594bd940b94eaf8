import type { Server } from 'node:http';
import { DualError } from '../src/model/errors.js';
import { ListenerManager } from './listeners.js';
import type { ProxyLog } from './log.js';
import { describePortHolder } from './port-holder.js';
import { portsToOpen } from './port-policy.js';
import { privilegedPortHint, withHttps443 } from './tls/port-443.js';

interface PortFailure {
  port: number;
  code: string;
  message: string;
}

export interface PortSources {
  /** --port or proxy.ports, when set. */
  pinned(): number[] | undefined;
  /** Ports the workspaces' labels declare. */
  declared(): number[];
  https443(): boolean;
  bind(): string[];
}

/**
 * The proxy's listening ports: which it wants (pinned, else declared without the privileged
 * ones, plus 443 when asked), which could not open and why, and telling the daemon whenever
 * the open set or the failures change.
 */
export class ProxyPorts {
  private readonly listeners: ListenerManager;
  /** Keyed by `address port`: one bind address failing while another opens is still a failure. */
  private readonly failures = new Map<string, PortFailure>();
  private readonly refusedLogged = new Set<number>();
  private lastReported = '';

  constructor(
    createServer: () => Server,
    private readonly sources: PortSources,
    private readonly log: ProxyLog,
    private readonly onPortsChanged?: (ports: number[]) => void,
  ) {
    this.listeners = new ListenerManager(createServer, sources.bind(), {
      opened: (port, address) => {
        if (this.failures.delete(`${address} ${port}`)) this.onPortsChanged?.(this.ports());
        log.info(`listening on ${hostPort(address, port)}`);
      },
      closed: (port) => log.info(`closed port ${port}`),
      failed: (port, address, error) => this.failed(port, address, error),
    });
  }

  ports(): number[] {
    return this.listeners.ports();
  }

  /** Listeners that could not open, e.g. `127.0.0.1:3000 is in use by process 42 (vite)`. */
  problems(): string[] {
    return [...this.failures.values()].map((f) => f.message);
  }

  /** Opens and closes ports until the wanted ones are served. */
  reconcile(): Promise<void> {
    return this.listeners.reconcile(this.wanted()).then(() => this.report());
  }

  /** New bind addresses or server options: reopen every listener. */
  reopen(): Promise<void> {
    return this.listeners.rebind(this.sources.bind(), this.wanted()).then(() => this.report());
  }

  /** A pinned port that did not open is a start-up error: the user asked for exactly it. 443 from proxy.https443 is optional. */
  pinnedFailure(): DualError | undefined {
    const pinned = this.sources.pinned();
    const failure = [...this.failures.values()].find((f) => pinned?.includes(f.port));
    return failure && pinnedPortError(failure);
  }

  close(): Promise<void> {
    return this.listeners.close();
  }

  private wanted(): number[] {
    return withHttps443(this.sources.pinned() ?? this.declaredOpenable(), this.sources.https443());
  }

  /** Ports from labels, without the privileged ones (logged once each; see port-policy.ts). */
  private declaredOpenable(): number[] {
    const { open, refused } = portsToOpen(this.sources.declared());
    for (const port of refused.filter((p) => !this.refusedLogged.has(p))) {
      this.refusedLogged.add(port);
      this.log.warn(`not listening on port ${port}, which a workspace declares: ports below 1024 are opened only when pinned with proxy.ports or --port`);
    }
    return open;
  }

  private failed(port: number, address: string, error: NodeJS.ErrnoException): void {
    if (error.code === 'EADDRNOTAVAIL' && address === '::1') {
      this.log.debug('no IPv6 loopback here; serving IPv4 only', { port });
      return;
    }
    const holder =
      error.code === 'EADDRINUSE' ? `: held by ${describePortHolder(port)}` : error.code === 'EACCES' ? privilegedPortHint(port, process.execPath, process.platform) : '';
    const message = `cannot listen on ${hostPort(address, port)} (${error.code ?? error.message})${holder}`;
    this.failures.set(`${address} ${port}`, { port, code: error.code ?? error.message, message });
    this.log.error(message);
    this.onPortsChanged?.(this.ports());
  }

  private report(): void {
    const ports = this.ports();
    if (ports.join() === this.lastReported) return;
    this.lastReported = ports.join();
    this.onPortsChanged?.(ports);
  }
}

function hostPort(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

function pinnedPortError({ port, code }: { port: number; code: string }): DualError {
  if (code === 'EADDRINUSE') return new DualError(`port ${port} is in use by ${describePortHolder(port)}; stop it or pick another port with --port`);
  if (code === 'EACCES') return new DualError(`port ${port} needs privileges to listen on; pick a port above 1023 with --port`);
  return new DualError(`cannot listen on port ${port} (${code}); check --bind and --port`);
}
