import { recordFromInspect } from './container-record.js';
import type { DockerDiscovery, EventSubscription } from './docker-discovery.js';
import type { RouteTable } from './route-table.js';

export interface RouteSyncHooks {
  /** The table changed: reconcile listeners, drop stale pools. */
  changed(): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2_000;

/**
 * Keeps the route table equal to Docker: a full list at start, then the events stream.
 * When the stream ends (engine restart, socket dropped) it reconnects with backoff and
 * lists everything again, so nothing that happened while it was away is missed.
 */
export class RouteSync {
  private subscription: EventSubscription | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = RETRY_MIN_MS;
  /** Per-container queue: events for one container are applied in order. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Containers with events during a full list; re-inspected after it so the list cannot win with stale data. */
  private touchedDuringList: Set<string> | undefined;
  /** How many times the table was rebuilt from a full list (tests and `status` read it). */
  syncCount = 0;
  connected = false;

  constructor(
    private readonly discovery: DockerDiscovery,
    private readonly table: RouteTable,
    private readonly hooks: RouteSyncHooks,
  ) {}

  /** Resolves after the first successful sync, or after the first failure (it keeps retrying). */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      this.hooks.warn(`cannot reach the Docker engine at ${this.discovery.display}; retrying`, { error: String(error) });
      this.scheduleReconnect();
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.subscription?.close();
    this.subscription = undefined;
  }

  private async connect(): Promise<void> {
    this.touchedDuringList = new Set();
    // Subscribe first, then list: an event between the two is never lost.
    const subscription = await this.discovery.subscribe(
      (event) => this.onEvent(event.containerId, event.action),
      (error) => {
        if (this.subscription === subscription) this.onStreamEnd(error);
      },
    );
    if (this.stopped) {
      subscription.close();
      return;
    }
    this.subscription = subscription;
    try {
      const answers = await this.discovery.listLabelled();
      this.table.replaceAll(answers.map(recordFromInspect).filter((r) => r !== undefined));
    } catch (error) {
      this.subscription = undefined;
      subscription.close();
      throw error;
    }
    const touched = this.touchedDuringList;
    this.touchedDuringList = undefined;
    this.connected = true;
    this.syncCount += 1;
    this.retryDelay = RETRY_MIN_MS;
    this.hooks.info('routes synchronised with Docker', { workspaces: this.table.workspaces().length, sync: this.syncCount });
    this.hooks.changed();
    for (const id of touched) this.onEvent(id, 'resync');
  }

  private onStreamEnd(error?: Error): void {
    if (this.stopped) return;
    this.connected = false;
    this.subscription = undefined;
    this.hooks.warn('lost the Docker events stream; reconnecting', { error: error ? String(error) : undefined });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch(() => {
        this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
        this.scheduleReconnect();
      });
    }, this.retryDelay);
    this.retryTimer.unref();
  }

  private onEvent(containerId: string, action: string): void {
    this.touchedDuringList?.add(containerId);
    const previous = this.queues.get(containerId) ?? Promise.resolve();
    const next = previous
      .then(() => this.apply(containerId, action))
      .catch((error: unknown) => this.hooks.warn('could not read a container after an event', { containerId, action, error: String(error) }))
      .finally(() => {
        if (this.queues.get(containerId) === next) this.queues.delete(containerId);
      });
    this.queues.set(containerId, next);
  }

  private async apply(containerId: string, action: string): Promise<void> {
    if (this.stopped) return;
    const answer = action === 'destroy' ? undefined : await this.discovery.inspect(containerId);
    const record = answer ? recordFromInspect(answer) : undefined;
    if (record) this.table.upsert(record);
    else if (this.table.has(containerId)) this.table.remove(containerId);
    else return;
    this.hooks.changed();
  }
}
