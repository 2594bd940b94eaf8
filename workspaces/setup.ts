import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DualError } from '../src/model/errors.js';
import { readSetupState, SETUP_HOLD_FILE, SETUP_STATE_FILE, setupStateDir, type SetupState } from '../src/model/setup-state.js';
import type { Context } from '../src/adapters/context.js';
import { SETUP_END_MARKERS } from './entry.js';

/**
 * `setup` runs inside the container's main process (entry.ts), before `start`. This side
 * prepares the state directory the entry script writes to, and follows a setup run: its
 * output streamed from the container's log, its outcome read from the state file.
 */

/** A fresh, empty state directory for a container about to be made (nothing stale can be read as "ok"). */
export function resetSetupState(ctx: Context, id: string): string {
  const dir = setupStateDir(ctx.paths.home, id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A fresh state directory whose container waits before setup until releaseSetup (entry.ts): `dual create` starts it while still seeding. */
export function resetSetupStateHeld(ctx: Context, id: string): void {
  writeFileSync(join(resetSetupState(ctx, id), SETUP_HOLD_FILE), '');
}

/** Lets the container's setup begin (and clears a hold a killed `dual create` left). */
export function releaseSetup(ctx: Context, id: string): void {
  rmSync(join(setupStateDir(ctx.paths.home, id), SETUP_HOLD_FILE), { force: true });
}

/** Forget the last outcome so the next start of the container runs setup again (and a stale "failed" is not read). */
export function clearSetupOutcome(ctx: Context, id: string): void {
  // rmSync removes a symlink planted there, never its target.
  rmSync(join(setupStateDir(ctx.paths.home, id), SETUP_STATE_FILE), { force: true });
}

export function setupState(ctx: Context, id: string): SetupState {
  return readSetupState(setupStateDir(ctx.paths.home, id));
}

export function removeSetupState(ctx: Context, id: string): void {
  rmSync(setupStateDir(ctx.paths.home, id), { recursive: true, force: true });
}

export interface FollowOptions {
  /** Container start time (Unix seconds): only this run's log lines are streamed. */
  since: number;
  /** Where setup's output goes (stderr: stdout is reserved for results). */
  output: NodeJS.WritableStream;
  /** Polled; true ends the wait with exit 130 (the container carries on). */
  interrupted?: () => boolean;
}

/** How long a started container may take to record that setup began (it waits for volume ownership first). */
const FIRST_RECORD_MS = 45_000;
const POLL_MS = 250;
/** Bound on waiting for setup's last line once its outcome is recorded. */
const MARKER_WAIT_MS = 30_000;

/**
 * Streams setup's output until the entry script records its outcome, then returns it
 * ('ok' or 'failed'). Throws a DualError when the container stops during setup or never
 * records anything.
 */
export async function followSetup(ctx: Context, ws: { id: string; containerId: string }, options: FollowOptions): Promise<SetupState> {
  const sink = new MarkerWatch(options.output);
  const abort = new AbortController();
  const streaming = ctx.docker
    .logs(ws.containerId, { follow: true, since: options.since, stdout: sink, stderr: sink, signal: abort.signal })
    .catch(() => undefined);
  const began = Date.now();
  try {
    for (let round = 0; ; round++) {
      const state = setupState(ctx, ws.id);
      if (state.kind === 'ok' || state.kind === 'failed') {
        // The script prints its end line right after recording the outcome; on a loaded
        // machine the log stream can lag several seconds behind.
        await sink.waitForEnd(MARKER_WAIT_MS);
        return state;
      }
      if (options.interrupted?.()) {
        throw new DualError(`interrupted; setup goes on in the container: follow it with \`dual logs -f ${ws.id}\``, 130);
      }
      if (round % 4 === 0) {
        const details = await ctx.docker.inspectContainer(ws.containerId);
        if (!details?.running) {
          throw new DualError(`the container of ${ws.id} stopped during setup; see \`dual logs ${ws.id}\`, then \`dual start ${ws.id}\` to run setup again`);
        }
      }
      if (state.kind === 'pending' && Date.now() - began > FIRST_RECORD_MS) {
        throw new DualError(
          `the container of ${ws.id} did not record that setup began within ${FIRST_RECORD_MS / 1000} s (is ${setupStateDir(ctx.paths.home, ws.id)} writable by the container's user?); see \`dual logs ${ws.id}\``,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    abort.abort();
    await streaming;
  }
}

export function setupFailed(ws: { id: string; repo: string; branch: string }, exitCode: number): DualError {
  return new DualError(
    `setup failed with exit code ${exitCode}; the workspace is kept (start does not run): fix it and run \`dual create ${ws.repo} ${ws.branch}\` again to retry setup, or \`dual destroy ${ws.id}\``,
    exitCode,
  );
}

/**
 * Passes log output through and notices the entry script's end-of-setup line, so the
 * follower stops after setup's last line has arrived (the state file can be written a
 * moment before the log catches up).
 */
class MarkerWatch extends Writable {
  private tail = '';
  private seen = false;
  private waiter?: () => void;

  constructor(private readonly target: NodeJS.WritableStream) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.target.write(chunk);
    this.tail = (this.tail + chunk.toString('utf8')).slice(-512);
    if (!this.seen && SETUP_END_MARKERS.some((m) => this.tail.includes(`\n${m}`) || this.tail.startsWith(m))) {
      this.seen = true;
      this.waiter?.();
    }
    done();
  }

  waitForEnd(timeoutMs: number): Promise<void> {
    if (this.seen) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
