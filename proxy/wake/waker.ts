import type { ProxyLog } from '../log.js';
import type { RouteTable, WorkspaceView } from '../route-table.js';
import { isSleeping } from '../../src/model/sleep-state.js';

export type WakeOutcome = { ok: true } | { ok: false; message: string };

export interface WakerDeps {
  table: RouteTable;
  stateDir: string;
  log: ProxyLog;
  /** Runs `dual <args...>` (the CLI, as the dashboard's actions do): exit code and its last `dual:` line. */
  runDual(args: string[]): Promise<{ code: number | null; message?: string }>;
  /** Resolves when the route table changed (or after a short while): waits for Docker's start event. */
  routesChanged(): Promise<void>;
  now?: () => number;
}

/** Wakes run `dual start`, which starts containers: a few at once on a small machine, the rest queue. */
const MAX_PARALLEL_WAKES = 2;
/** A failed wake is not retried for this long: a waking page polling once a second must not start `dual start` every second. */
const FAILED_WAKE_RETRY_MS = 30_000;
/** After `dual start` returns, how long the proxy waits for Docker's event to bring the route in. */
const ROUTE_WAIT_MS = 15_000;

/**
 * Puts workspaces to sleep and wakes them, each through the dual CLI (`dual sleep <id>`,
 * `dual start <id>`) so the workspace manager's rules hold unchanged: its lock (a wake and a
 * sleep never interleave), attached containers following their workspace into the new
 * network namespace, a changed `.dual.json` applied, the ports awaited. The proxy does not
 * import the manager (they sit side by side).
 *
 * One operation per workspace at a time: many requests arriving during a wake share it, and
 * a request arriving while the sweep puts the workspace to sleep waits for that, then wakes it.
 */
export class Waker {
  private readonly pending = new Map<string, { kind: 'wake' | 'sleep'; promise: Promise<WakeOutcome> }>();
  private readonly failed = new Map<string, { at: number; message: string }>();
  private running = 0;
  private readonly queue: Array<() => void> = [];
  private readonly now: () => number;

  constructor(private readonly deps: WakerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Stopped by idle sleep (marker), or in the middle of a sleep or a wake. */
  needsWake(view: WorkspaceView): boolean {
    if (this.pending.has(view.id)) return true;
    return view.main.state !== 'running' && isSleeping(this.deps.stateDir, view.main.containerId);
  }

  /** The last wake failed a moment ago (its message), so a waking page would only loop. */
  recentFailure(id: string): string | undefined {
    const failure = this.failed.get(id);
    return failure && this.now() - failure.at < FAILED_WAKE_RETRY_MS ? failure.message : undefined;
  }

  /** A sleep or a wake is under way. */
  busy(id: string): boolean {
    return this.pending.has(id);
  }

  wake(id: string): Promise<WakeOutcome> {
    const current = this.pending.get(id);
    if (current?.kind === 'wake') return current.promise;
    // Asked while the sweep puts it to sleep: wake it right after (once, shared).
    if (current) return current.promise.then(() => this.wake(id));
    const failure = this.recentFailure(id);
    if (failure !== undefined) return Promise.resolve({ ok: false, message: failure });
    return this.track(id, 'wake', async () => {
      const view = this.deps.table.workspace(id);
      if (view?.main.state === 'running' && !isSleeping(this.deps.stateDir, view.main.containerId)) return { ok: true };
      this.deps.log.info(`waking ${id}`);
      const { code, message } = await this.deps.runDual(['start', id]);
      if (code !== 0) {
        const why = message ?? `dual start ${id} exited with ${code}`;
        this.failed.set(id, { at: this.now(), message: why });
        this.deps.log.warn(`could not wake ${id}: ${why}`);
        return { ok: false, message: why };
      }
      this.failed.delete(id);
      await this.routeRunning(id);
      return { ok: true };
    });
  }

  /** Puts a workspace to sleep (the idle sweep). A wake asked for meanwhile runs after it. */
  sleep(id: string): Promise<WakeOutcome> {
    const current = this.pending.get(id);
    if (current) return current.promise;
    return this.track(id, 'sleep', async () => {
      const { code, message } = await this.deps.runDual(['sleep', id]);
      if (code === 0) return { ok: true };
      this.deps.log.warn(`could not put ${id} to sleep: ${message ?? `exit ${code}`}`);
      return { ok: false, message: message ?? `dual sleep ${id} exited with ${code}` };
    });
  }

  private track(id: string, kind: 'wake' | 'sleep', run: () => Promise<WakeOutcome>): Promise<WakeOutcome> {
    const promise = this.slot()
      .then(run)
      .catch((error: unknown): WakeOutcome => ({ ok: false, message: String(error) }))
      .finally(() => {
        this.pending.delete(id);
        this.running -= 1;
        this.queue.shift()?.();
      });
    this.pending.set(id, { kind, promise });
    return promise;
  }

  private async slot(): Promise<void> {
    if (this.running >= MAX_PARALLEL_WAKES) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running += 1;
  }

  /** `dual start` returned once the ports answered; the route comes with Docker's start event. */
  private async routeRunning(id: string): Promise<void> {
    const deadline = this.now() + ROUTE_WAIT_MS;
    while (this.deps.table.workspace(id)?.main.state !== 'running' && this.now() < deadline) await this.deps.routesChanged();
  }
}
