import { createRequire } from 'node:module';
import type { Pool as PoolType } from 'undici';

/**
 * undici's Pool alone: `import 'undici'` also loads fetch, WebSocket, cookies and Node's own
 * bundled undici (five times the CPU at start-up, measured in SPEC.md "Start-up"), none of
 * which the proxy uses. undici has no exports map, so its files are reachable by path.
 */
const Pool = createRequire(import.meta.url)('undici/lib/dispatcher/pool.js') as typeof PoolType;
type Pool = PoolType;

/**
 * One undici Pool per upstream address, reused across requests and client connections:
 * pooled keep-alive upstream connections are where the throughput comes from
 * (SPEC.md, "The data path"). Pools for addresses no workspace uses any more (a restart changed the
 * IP or host port) are closed when the route table changes.
 */
/**
 * How long an upstream may take to start its answer. Long enough for a first compile (Next.js
 * can take a minute on a big app), short enough that an upstream that accepted the connection
 * and never answers gives its pool connection back: the client gets a 504 page.
 */
const UPSTREAM_HEADERS_TIMEOUT_MS = 5 * 60_000;

export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly headersTimeoutMs: number = UPSTREAM_HEADERS_TIMEOUT_MS) {}

  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: 256,
        pipelining: 1,
        keepAliveTimeout: 4_000,
        headersTimeout: this.headersTimeoutMs,
        // Once the answer has begun, silence is legitimate (SSE without heartbeats, a long
        // poll's body, a slow download): no idle limit. The connection is held only while a
        // client waits on it; a client that leaves aborts it (forward-http.ts).
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
