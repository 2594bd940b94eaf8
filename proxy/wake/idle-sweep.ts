import type { ProxyLog } from '../log.js';
import type { RouteTable, WorkspaceView } from '../route-table.js';
import { lastActivity } from '../../src/model/sleep-state.js';
import { readSetupState, setupStateDir } from '../../src/model/setup-state.js';
import type { ActivityTracker } from './activity.js';
import type { Waker } from './waker.js';

export interface IdleSweepDeps {
  table: RouteTable;
  tracker: ActivityTracker;
  waker: Waker;
  stateDir: string;
  /** DUAL_HOME: where the entry script records setup (state/workspaces/<id>). */
  home: string;
  log: ProxyLog;
  /** Whether any exec runs in the container now (the engine lists running execs only). */
  runningExecs(containerId: string): Promise<boolean>;
  /** Whether an attached container is working now (its CPU use over the engine's sample; see ATTACHED_BUSY_CPU_PERCENT). */
  attachedBusy(containerId: string): Promise<boolean>;
  /** Length of one "minute" of `idle.stopAfterMinutes`: 60,000 ms; tests and benches shorten it (DUAL_IDLE_MINUTE_MS). */
  minuteMs: number;
  now?: () => number;
}

/**
 * The proxy puts idle workspaces to sleep: it is the one process that runs as long as
 * workspaces are routable, and it sees every request. A workspace with `idle.stopAfterMinutes`
 * (label `dual.idle-minutes`) sleeps when, for that long, it had no proxied request (none
 * open either: an HMR socket or an SSE stream counts), no `dual exec` / `dual attached exec`
 * (the activity file they touch) and no exec running in it or its attached containers (the
 * engine's ExecIDs: this catches `docker exec` and execs longer than the idle time). The
 * engine is asked only about workspaces that are otherwise idle, so a sweep over fifty busy
 * workspaces makes no engine call.
 */
export class IdleSweep {
  private timer: ReturnType<typeof setInterval> | undefined;
  private sweeping = false;
  private readonly now: () => number;

  constructor(private readonly deps: IdleSweepDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Sweeps four times per "minute", at most every 30 s and at least every 250 ms. */
  start(): void {
    const every = Math.min(30_000, Math.max(250, Math.floor(this.deps.minuteMs / 4)));
    this.timer = setInterval(() => void this.sweep(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass; returns the ids put to sleep (tests call it directly). */
  async sweep(): Promise<string[]> {
    if (this.sweeping) return [];
    this.sweeping = true;
    try {
      const sleeps: Array<Promise<string | undefined>> = [];
      for (const view of this.deps.table.workspaces()) {
        if (!this.idleLongEnough(view)) continue;
        // A setup still running (a long first `npm ci`) is use too: it runs in the main process, not an exec.
        if ((await this.execRunning(view)) || this.settingUp(view) || (await this.attachedWorking(view))) {
          this.deps.tracker.touch(view.id);
          continue;
        }
        // Checked again: a request may have come while the engine answered.
        if (!this.idleLongEnough(view)) continue;
        this.deps.log.info(`putting ${view.id} to sleep: unused for ${view.main.idleMinutes} min`);
        // Not awaited one by one: the waker runs a few at once and queues the rest.
        sleeps.push(this.deps.waker.sleep(view.id).then((outcome) => (outcome.ok ? view.id : undefined)));
      }
      return (await Promise.all(sleeps)).filter((id): id is string => id !== undefined);
    } finally {
      this.sweeping = false;
    }
  }

  private idleLongEnough(view: WorkspaceView): boolean {
    const minutes = view.main.idleMinutes;
    if (!minutes || view.main.state !== 'running') return false;
    const { tracker, waker, stateDir } = this.deps;
    if (tracker.busy(view.id) || waker.busy(view.id)) return false;
    const last = Math.max(tracker.lastUsed(view.id), lastActivity(stateDir, view.id));
    return this.now() - last >= minutes * this.deps.minuteMs;
  }

  private settingUp(view: WorkspaceView): boolean {
    if (!view.main.hasSetup) return false;
    const setup = readSetupState(setupStateDir(this.deps.home, view.id));
    return setup.kind === 'running' || setup.kind === 'pending';
  }

  /**
   * An attached container whose main process works (an agent, a test runner) is use too: it
   * makes no request and no exec, and a sleep would kill its work. Asked only for workspaces
   * that are otherwise idle; a database waiting for queries uses next to no CPU.
   */
  private async attachedWorking(view: WorkspaceView): Promise<boolean> {
    for (const container of view.attached.filter((c) => c.state === 'running')) {
      const busy = await this.deps.attachedBusy(container.containerId).catch(() => true); // cannot tell: do not stop it
      if (busy) {
        this.deps.log.info(`keeping ${view.id} awake: its attached ${container.attached ?? container.containerId} is working`);
        return true;
      }
    }
    return false;
  }

  private async execRunning(view: WorkspaceView): Promise<boolean> {
    const containers = [view.main, ...view.attached].filter((c) => c.state === 'running');
    for (const container of containers) {
      try {
        if (await this.deps.runningExecs(container.containerId)) return true;
      } catch {
        return true; // cannot tell: do not stop it
      }
    }
    return false;
  }
}
