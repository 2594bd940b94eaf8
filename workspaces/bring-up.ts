import type { DualJson } from '../src/adapters/config/dual-json.js';
import type { Context } from '../src/adapters/context.js';
import { traceMark } from '../src/adapters/trace.js';
import { reviveAttached, stopAllAttached } from './attached/revive.js';
import { STOP_TIMEOUT_SECONDS } from './container-spec.js';
import { waitForPorts } from './port-wait.js';
import { clearSetupOutcome, followSetup, releaseSetup, setupFailed, setupState } from './setup.js';
import type { WorkspaceRef } from '../src/model/workspace.js';


export interface ReadyOptions {
  /** 0 = do not wait for the ports. */
  portTimeoutMs: number;
  /** Polled while waiting; true stops the wait with exit 130 (the container carries on). */
  interrupted?: () => boolean;
}

/** Whether this start of the container runs setup: then its output is streamed even if it is already over. */
type SetupRun = 'runs' | 'maybe';

/**
 * `dual start` and `dual create` of an existing workspace: make it run as configured. A
 * stopped container is started (its entry script reruns setup unless setup already
 * succeeded in this container); a running one whose setup failed is restarted to run setup
 * again; a running one whose setup is still going (a `dual create` killed mid-setup) is only
 * followed, never given a second setup.
 */
export async function startAndAwait(ctx: Context, ws: WorkspaceRef, config: DualJson, options: ReadyOptions): Promise<void> {
  // Under the workspace's lock no `dual create` of it runs: a hold on setup is one a killed create left.
  releaseSetup(ctx, ws.id);
  const details = await ctx.docker.inspectContainer(ws.containerId);
  const state = setupState(ctx, ws.id);
  let run: SetupRun = 'maybe';
  if (!details?.running) {
    run = await startContainer(ctx, ws);
  } else if (config.setup && state.kind === 'failed') {
    ctx.log(`dual: setup of ${ws.id} failed last time (exit ${state.exitCode}); running it again`);
    run = await restartContainer(ctx, ws);
  }
  await reviveAttached(ctx, ws);
  await awaitReady(ctx, ws, config, options, run);
}

/** `dual restart`: attached containers stop first and rejoin the new namespace after. */
export async function restartAndAwait(ctx: Context, ws: WorkspaceRef, config: DualJson, options: ReadyOptions): Promise<void> {
  const run = await restartContainer(ctx, ws);
  await reviveAttached(ctx, ws);
  await awaitReady(ctx, ws, config, options, run);
}

/** A setup that has not succeeded in this container runs again on its next start: forget its last outcome first. */
function prepareSetupRun(ctx: Context, id: string): SetupRun {
  if (setupState(ctx, id).kind === 'ok') return 'maybe';
  clearSetupOutcome(ctx, id);
  return 'runs';
}

async function startContainer(ctx: Context, ws: WorkspaceRef): Promise<SetupRun> {
  const run = prepareSetupRun(ctx, ws.id);
  await ctx.docker.startContainer(ws.containerId);
  return run;
}

async function restartContainer(ctx: Context, ws: WorkspaceRef): Promise<SetupRun> {
  const run = prepareSetupRun(ctx, ws.id);
  await stopAllAttached(ctx, ws.id);
  await ctx.docker.restartContainer(ws.containerId, STOP_TIMEOUT_SECONDS);
  return run;
}

/**
 * The container is started (`run`: 'runs' for a new container or a cleared outcome): stream setup's output until it ends (a failure throws with
 * setup's exit code), then wait until every declared port answers.
 */
export async function awaitReady(ctx: Context, ws: WorkspaceRef, config: DualJson, options: ReadyOptions, run: SetupRun = 'maybe'): Promise<void> {
  if (config.setup && (run === 'runs' || setupState(ctx, ws.id).kind !== 'ok')) {
    const details = await ctx.docker.inspectContainer(ws.containerId);
    const outcome = await followSetup(ctx, ws, { since: currentRunSince(details), output: ctx.output, interrupted: options.interrupted });
    traceMark('setup finished');
    if (outcome.kind === 'failed') throw setupFailed(ws, outcome.exitCode);
  }
  if (config.start && options.portTimeoutMs > 0) {
    await waitForPorts(ctx, ws, config.ports, { timeoutMs: options.portTimeoutMs, interrupted: options.interrupted });
    traceMark('ports answer');
  }
}

/**
 * Where the container's current run begins in its log: after its previous run ended. Not
 * StartedAt: the engine records that after the process has started, and setup's first
 * lines can come before it. A container that never ran before: its whole log.
 */
export function currentRunSince(details: { finishedAt: string; startedAt: string } | undefined): number {
  if (!details) return 0;
  const finished = Date.parse(details.finishedAt);
  const started = Date.parse(details.startedAt);
  if (!Number.isFinite(finished) || finished <= 0 || !(finished <= started)) return 0;
  return (finished + 1) / 1000; // +1 ms: the engine reports nanoseconds, Date.parse keeps milliseconds
}
