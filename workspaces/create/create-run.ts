import { DualError } from '../../src/model/errors.js';
import { Rollback } from '../rollback.js';

/**
 * One fresh `dual create` in progress: the rollback record of what it made so far, and
 * whether Ctrl-C (or SIGTERM) asked it to stop. Until `keep()` the run is all or nothing:
 * a failure or an interrupt undoes every recorded step in reverse. After `keep()` the
 * workspace exists for good (setup and start go on in its container).
 */
export class CreateRun {
  private readonly rollback = new Rollback();
  private interruptRequested = false;
  private kept = false;
  private readonly interruption = new AbortController();
  /** Aborted on Ctrl-C: a step that may take long (an image pull) stops at once instead of finishing. */
  readonly signal = this.interruption.signal;

  /** Record something this run made and how to undo it. */
  made(what: string, undo: () => Promise<unknown>): void {
    this.rollback.add(what, undo);
  }

  /** Between steps: an interrupt lets the current step finish, then stops here (and the caller rolls back). */
  checkpoint(): void {
    if (this.interruptRequested) throw new DualError('create interrupted; undid what it made', 130);
  }

  /** From here on the workspace is complete and kept. */
  keep(): void {
    this.kept = true;
  }

  readonly interrupted = (): boolean => this.interruptRequested;

  /** @internal for runCreate */
  interrupt(log: (message: string) => void): void {
    this.interruptRequested = true;
    this.interruption.abort();
    if (!this.kept) log('dual: interrupted; undoing what this create made');
  }

  /** @internal for runCreate */
  async failed(log: (message: string) => void): Promise<void> {
    if (!this.kept) await this.rollback.run(log);
  }
}

/** Runs `body` with a fresh CreateRun: SIGINT/SIGTERM are caught for its duration, and a failure rolls back. */
export async function runCreate<T>(log: (message: string) => void, body: (run: CreateRun) => Promise<T>): Promise<T> {
  const run = new CreateRun();
  const onSignal = () => run.interrupt(log);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await body(run);
  } catch (error) {
    await run.failed(log);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
