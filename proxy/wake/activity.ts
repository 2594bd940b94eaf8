import type { WorkspaceView } from '../route-table.js';

/**
 * What the proxy knows of a workspace's use, in memory: when a request or WebSocket to it
 * last began or ended, how many are still open (an HMR socket or an SSE stream left open is
 * use), and when its container was last seen starting. Cheap on the request path: two map
 * writes per request.
 */
export class ActivityTracker {
  private readonly last = new Map<string, number>();
  private readonly open = new Map<string, number>();
  private running = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A request or upgrade began; the returned function ends it (idempotent). */
  begin(id: string): () => void {
    this.last.set(id, this.now());
    this.open.set(id, (this.open.get(id) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.last.set(id, this.now());
      const left = (this.open.get(id) ?? 1) - 1;
      if (left > 0) this.open.set(id, left);
      else this.open.delete(id);
    };
  }

  touch(id: string): void {
    this.last.set(id, this.now());
  }

  busy(id: string): boolean {
    return (this.open.get(id) ?? 0) > 0;
  }

  /** Epoch ms of the last use seen (0 when none). */
  lastUsed(id: string): number {
    return this.last.get(id) ?? 0;
  }

  /**
   * Called on every route change: a workspace that is running now and was not before (a
   * wake, `dual start`, the proxy's own start-up) counts as used now, so the idle clock
   * starts when the container does.
   */
  observe(workspaces: readonly WorkspaceView[]): void {
    const running = new Set<string>();
    for (const view of workspaces) {
      if (view.main.state !== 'running') continue;
      running.add(view.id);
      if (!this.running.has(view.id)) this.touch(view.id);
    }
    for (const id of this.last.keys()) if (!workspaces.some((w) => w.id === id)) this.last.delete(id);
    this.running = running;
  }
}
