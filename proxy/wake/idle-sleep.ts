import { runChild, lastDualLine } from '../dashboard/actions.js';
import type { DashboardEngine } from '../dashboard/engine.js';
import { DUAL_BIN } from '../dual-bin.js';
import type { DockerDiscovery } from '../docker-discovery.js';
import type { ProxyLog } from '../log.js';
import type { RouteTable } from '../route-table.js';
import { ActivityTracker } from './activity.js';
import { IdleSweep } from './idle-sweep.js';
import { Waker } from './waker.js';
import { WAKE_HOLD_MS, type WakeDeps } from './wake-gate.js';

export interface IdleSleepOptions {
  home: string;
  stateDir: string;
  table: RouteTable;
  discovery: DockerDiscovery;
  /** Resource use of attached containers (the proxy's DockerEngine). */
  engine: Pick<DashboardEngine, 'stats'>;
  log: ProxyLog;
  /** One "minute" of `idle.stopAfterMinutes` in ms (default 60,000; `DUAL_IDLE_MINUTE_MS` for tests and benches). */
  minuteMs?: number;
  holdMs?: number;
}

export interface IdleSleep {
  /** For the request handler. */
  readonly wake: WakeDeps;
  readonly sweep: IdleSweep;
  /** Call on every route change. */
  routesChanged(): void;
  close(): void;
}

/**
 * An attached container using at least this much of one core (the engine's one-second sample)
 * is working. Measured here at load average 10 on 2 cores: one busy loop got 5.4 to 29 % per
 * sample, an idle busybox httpd (the test "database") and `sleep` 0.0 %. Low on purpose: a
 * wrong "busy" costs one more period awake, a wrong "idle" kills an agent's work (5 % let one
 * busy-looping agent be put to sleep on its third sample).
 */
export const ATTACHED_BUSY_CPU_PERCENT = 1;

/** The unit of `idle.stopAfterMinutes`: a minute, unless DUAL_IDLE_MINUTE_MS (a whole number of ms) says otherwise. */
function idleMinuteMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.DUAL_IDLE_MINUTE_MS;
  return value && /^[0-9]{1,9}$/.test(value) && Number(value) >= 100 ? Number(value) : 60_000;
}

/** Wires idle sleep into the proxy: activity from requests, wakes on request, the idle sweep. */
export function createIdleSleep(options: IdleSleepOptions): IdleSleep {
  const { table, log } = options;
  const tracker = new ActivityTracker();
  let routeWaiters: Array<() => void> = [];
  const waker = new Waker({
    table,
    stateDir: options.stateDir,
    log,
    runDual: async (args) => {
      const { code, stderr } = await runChild([DUAL_BIN, ...args], options.home);
      return { code, message: lastDualLine(stderr) };
    },
    routesChanged: () =>
      new Promise<void>((resolve) => {
        routeWaiters.push(resolve);
        setTimeout(resolve, 250).unref();
      }),
  });
  const sweep = new IdleSweep({
    table,
    tracker,
    waker,
    stateDir: options.stateDir,
    home: options.home,
    log,
    minuteMs: options.minuteMs ?? idleMinuteMs(),
    runningExecs: async (containerId) => ((await options.discovery.inspect(containerId))?.ExecIDs ?? []).length > 0,
    attachedBusy: async (containerId) => (await options.engine.stats(containerId)).cpuPercent >= ATTACHED_BUSY_CPU_PERCENT,
  });
  sweep.start();
  return {
    wake: { waker, tracker, holdMs: options.holdMs ?? WAKE_HOLD_MS },
    sweep,
    routesChanged: () => {
      tracker.observe(table.workspaces());
      const waiting = routeWaiters;
      routeWaiters = [];
      for (const resolve of waiting) resolve();
    },
    close: () => sweep.stop(),
  };
}
