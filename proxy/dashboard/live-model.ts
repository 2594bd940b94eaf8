import type { WorktreeSummary } from '../../src/adapters/git/git.js';
import type { ProxyLog } from '../log.js';
import type { RouteTable } from '../route-table.js';
import type { ActionRecord } from './actions.js';
import { forEachBounded } from './bounded.js';
import type { DashboardEngine } from './engine.js';
import { readMarkers } from './markers.js';
import { portAnswers } from './port-probe.js';
import { buildSnapshot, healthKey, type DashboardSnapshot, type Usage } from './snapshot.js';

export interface LiveModelDeps {
  table: RouteTable;
  stateDir: string;
  engineConnected(): boolean;
  /** Loaded on first use: nothing of this runs until a dashboard is open. */
  git(): Promise<{ worktreeSummary(worktree: string): Promise<WorktreeSummary> }>;
  engine(): Promise<DashboardEngine>;
  /** Dashboard actions running or recently finished: they travel in the snapshot. */
  actions?(): readonly ActionRecord[];
  log: ProxyLog;
  /** Of the workspace links (proxy/url-scheme.ts); http when not given. */
  urlScheme?(): 'http' | 'https';
  timing?: Partial<Timing>;
}

interface Timing {
  /** Every running workspace port is probed this often. */
  probeMs: number;
  gitMs: number;
  statsMs: number;
  /** Changes within this window go out as one update. */
  debounceMs: number;
}

const DEFAULT_TIMING: Timing = { probeMs: 2_000, gitMs: 10_000, statsMs: 10_000, debounceMs: 100 };
/** Connections in flight at once while probing; the proxy shares the machine with the dev servers. */
const PROBE_CONCURRENCY = 8;
const GIT_CONCURRENCY = 2;
const STATS_CONCURRENCY = 3;

type Listener = (snapshotJson: string) => void;

/**
 * The dashboard's live picture: the route table (kept equal to Docker by RouteSync) plus
 * what only polling can tell: whether each port answers, the worktree's git state, CPU and
 * memory. The pollers run only while at least one dashboard is connected, with bounded
 * concurrency; every change is pushed to the connected pages as a whole snapshot, at most
 * once per debounce window and only when something visible changed.
 */
export class LiveModel {
  private readonly listeners = new Set<Listener>();
  private readonly health = new Map<string, boolean>();
  private readonly gitFacts = new Map<string, WorktreeSummary>();
  private readonly usage = new Map<string, Usage>();
  private readonly timing: Timing;
  private readonly loops: Array<{ timer?: NodeJS.Timeout; running: boolean; kick(): void }> = [];
  private emitTimer: NodeJS.Timeout | undefined;
  private lastJson = '';
  private closed = false;

  constructor(private readonly deps: LiveModelDeps) {
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.probeLoop = this.loop(this.timing.probeMs, () => this.probePorts());
    this.gitLoop = this.loop(this.timing.gitMs, () => this.readGit());
    this.statsLoop = this.loop(this.timing.statsMs, () => this.readStats());
  }

  private readonly probeLoop;
  private readonly gitLoop;
  private readonly statsLoop;

  /** Sends the current snapshot at once, then every change. Returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.currentJson());
    if (this.listeners.size === 1) for (const loop of this.loops) loop.kick();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.pause();
    };
  }

  get clients(): number {
    return this.listeners.size;
  }

  snapshot(): DashboardSnapshot {
    return buildSnapshot(this.deps.table.workspaces(), this.deps.actions?.() ?? [], {
      engineConnected: this.deps.engineConnected(),
      health: this.health,
      git: this.gitFacts,
      usage: this.usage,
      markers: (containerId, workspaceId) => readMarkers(this.deps.stateDir, containerId, workspaceId),
      scheme: this.deps.urlScheme?.(),
    });
  }

  /** Something outside the route table changed (an action started or finished). */
  changed(): void {
    this.scheduleEmit();
  }

  /** The route table changed (a container was created, started, stopped, removed). */
  routesChanged(): void {
    const running = new Set<string>();
    for (const view of this.deps.table.workspaces()) {
      for (const c of [view.main, ...view.attached]) if (c.state === 'running') running.add(c.containerId);
    }
    // A stopped container's old answers must not show when it starts again: probe afresh.
    for (const key of this.health.keys()) if (!running.has(key.slice(0, key.lastIndexOf(':')))) this.health.delete(key);
    for (const id of this.usage.keys()) if (!running.has(id)) this.usage.delete(id);
    this.scheduleEmit();
    if (this.listeners.size === 0) return;
    this.probeLoop.kick();
    if (this.deps.table.workspaces().some((w) => !this.gitFacts.has(w.main.worktree))) this.gitLoop.kick();
    this.statsLoop.kick();
  }

  close(): void {
    this.closed = true;
    this.pause();
    clearTimeout(this.emitTimer);
    this.listeners.clear();
  }

  private currentJson(): string {
    this.lastJson = JSON.stringify(this.snapshot());
    return this.lastJson;
  }

  private scheduleEmit(): void {
    if (this.emitTimer || this.listeners.size === 0) return;
    this.emitTimer = setTimeout(() => {
      this.emitTimer = undefined;
      const previous = this.lastJson;
      const json = this.currentJson();
      if (json === previous) return;
      for (const listener of this.listeners) listener(json);
    }, this.timing.debounceMs);
  }

  private pause(): void {
    for (const loop of this.loops) clearTimeout(loop.timer);
  }

  /** A task repeated every `intervalMs` while pages are connected; `kick` runs it now (or right after the run in flight). */
  private loop(intervalMs: number, task: () => Promise<void>) {
    const state = {
      timer: undefined as NodeJS.Timeout | undefined,
      running: false,
      again: false,
      kick: () => {
        if (this.closed || this.listeners.size === 0) return;
        if (state.running) {
          state.again = true;
          return;
        }
        clearTimeout(state.timer);
        state.running = true;
        task()
          .catch((error: unknown) => this.deps.log.debug('dashboard poller failed', { error: String(error) }))
          .finally(() => {
            state.running = false;
            if (this.closed || this.listeners.size === 0) return;
            if (state.again) {
              state.again = false;
              state.kick();
              return;
            }
            state.timer = setTimeout(state.kick, intervalMs);
            state.timer.unref();
          });
      },
    };
    this.loops.push(state);
    return state;
  }

  private async probePorts(): Promise<void> {
    const targets: Array<{ key: string; host: string; port: number }> = [];
    for (const view of this.deps.table.workspaces()) {
      if (view.main.state !== 'running') continue;
      for (const port of view.main.ports) {
        const resolution = this.deps.table.resolve(view.id, port);
        if (resolution.kind !== 'route') continue;
        targets.push({ key: healthKey(view.main.containerId, port), host: resolution.upstream.host, port: resolution.upstream.port });
      }
    }
    await forEachBounded(targets, PROBE_CONCURRENCY, async (t) => {
      const answers = await portAnswers(t.host, t.port);
      if (this.health.get(t.key) !== answers) {
        this.health.set(t.key, answers);
        this.scheduleEmit();
      }
    });
    // Also carries changes no event announces (the engine going away); unchanged snapshots are not sent.
    this.scheduleEmit();
  }

  private async readGit(): Promise<void> {
    const git = await this.deps.git();
    const worktrees = [...new Set(this.deps.table.workspaces().map((w) => w.main.worktree).filter((w) => w !== ''))];
    await forEachBounded(worktrees, GIT_CONCURRENCY, async (worktree) => {
      try {
        const summary = await git.worktreeSummary(worktree);
        const before = this.gitFacts.get(worktree);
        if (JSON.stringify(before) !== JSON.stringify(summary)) {
          this.gitFacts.set(worktree, summary);
          this.scheduleEmit();
        }
      } catch {
        // The worktree is gone or not a repo any more: show nothing rather than stale facts.
        if (this.gitFacts.delete(worktree)) this.scheduleEmit();
      }
    });
  }

  private async readStats(): Promise<void> {
    const engine = await this.deps.engine();
    const ids: string[] = [];
    for (const view of this.deps.table.workspaces()) for (const c of [view.main, ...view.attached]) if (c.state === 'running') ids.push(c.containerId);
    await forEachBounded(ids, STATS_CONCURRENCY, async (id) => {
      const sample = await engine.stats(id);
      this.usage.set(id, { cpuPercent: Math.round(sample.cpuPercent * 10) / 10, memoryBytes: sample.memoryBytes });
      this.scheduleEmit();
    });
  }
}
