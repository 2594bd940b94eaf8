import { Pool } from 'undici';

/**
 * One undici Pool per upstream address, reused across requests and client connections:
 * pooled keep-alive upstream connections are where the throughput comes from
 * (SPEC.md, "The data path"). Pools for addresses no workspace uses any more (a restart changed the
 * IP or host port) are closed when the route table changes.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: 256,
        pipelining: 1,
        keepAliveTimeout: 4_000,
        // Dev servers compile on the first request (Next.js can take a minute), and SSE or
        // long polls may idle for ever: only the connect step gets a timeout.
        headersTimeout: 0,
        bodyTimeout: 0,
        connectTimeout: 5_000,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Closes pools whose origin is not in `live`; requests in flight on them finish first. */
  retain(live: ReadonlySet<string>): void {
    for (const [origin, pool] of this.pools) {
      if (live.has(origin)) continue;
      this.pools.delete(origin);
      pool.close().catch(() => undefined);
    }
  }

  async closeAll(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  }
}
