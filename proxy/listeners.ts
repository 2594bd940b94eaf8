import cluster from 'node:cluster';
import type { Server } from 'node:http';

/** Which ports to open and which to close to go from `current` to `desired`. Pure. */
export function diffPorts(current: Iterable<number>, desired: Iterable<number>): { open: number[]; close: number[] } {
  const have = new Set(current);
  const want = new Set(desired);
  return {
    open: [...want].filter((p) => !have.has(p)).sort((a, b) => a - b),
    close: [...have].filter((p) => !want.has(p)).sort((a, b) => a - b),
  };
}

export interface ListenerEvents {
  opened(port: number, address: string): void;
  closed(port: number): void;
  /** EADDRINUSE and friends: the port stays wanted and is retried on the next reconcile. */
  failed(port: number, address: string, error: NodeJS.ErrnoException): void;
}

/**
 * Opens one server per (port, bind address) and closes them when no workspace uses the port
 * any more. Reconciles are serialised: a burst of container events never opens a port twice.
 */
export class ListenerManager {
  private readonly open = new Map<number, Server[]>();
  private chain: Promise<void> = Promise.resolve();
  private binds: string[];

  constructor(
    private readonly createServer: () => Server,
    binds: readonly string[],
    private readonly events: ListenerEvents,
  ) {
    this.binds = [...binds];
  }

  ports(): number[] {
    return [...this.open.keys()].sort((a, b) => a - b);
  }

  /** Opens and closes ports until exactly `desired` are served; resolves when done. */
  reconcile(desired: readonly number[]): Promise<void> {
    this.chain = this.chain.then(() => this.apply(desired)).catch(() => undefined);
    return this.chain;
  }

  /** A changed bind list: close everything and reopen on the new addresses. */
  rebind(binds: readonly string[], desired: readonly number[]): Promise<void> {
    this.chain = this.chain
      .then(async () => {
        this.binds = [...binds];
        await this.apply([]);
        await this.apply(desired);
      })
      .catch(() => undefined);
    return this.chain;
  }

  close(): Promise<void> {
    return this.reconcile([]);
  }

  private async apply(desired: readonly number[]): Promise<void> {
    const { open, close } = diffPorts(this.open.keys(), desired);
    for (const port of close) {
      const servers = this.open.get(port) ?? [];
      this.open.delete(port);
      await Promise.all(servers.map(closeServer));
      this.events.closed(port);
    }
    for (const port of open) {
      const servers: Server[] = [];
      for (const address of this.binds) {
        const server = await this.listen(port, address);
        if (server) servers.push(server);
      }
      if (servers.length > 0) this.open.set(port, servers);
    }
  }

  private listen(port: number, address: string): Promise<Server | undefined> {
    return new Promise((resolve) => {
      const server = this.createServer();
      const onError = (error: NodeJS.ErrnoException) => {
        this.events.failed(port, address, error);
        resolve(undefined);
      };
      server.once('error', onError);
      // Not exclusive under node:cluster, so workers share the primary's socket (how
      // bench/data-path-ab.sh measures several processes); elsewhere it is a plain listen.
      server.listen({ port, host: address, exclusive: !cluster.isWorker }, () => {
        server.off('error', onError);
        // After listening, an error on the server itself must never crash the proxy.
        server.on('error', () => undefined);
        this.events.opened(port, address);
        resolve(server);
      });
    });
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
