import { describe, expect, it } from 'vitest';
import { runCreate } from '../../workspaces/create/create-run.js';
import { isDualError } from '../../src/model/errors.js';

describe('runCreate: a fresh create is all or nothing until kept', () => {
  it('undoes what was made, in reverse, when a step fails, and rethrows the step error', async () => {
    const undone: string[] = [];
    const log: string[] = [];
    const failure = runCreate((m) => log.push(m), async (run) => {
      run.made('first', async () => undone.push('first'));
      run.made('second', async () => {
        undone.push('second');
        throw new Error('busy');
      });
      run.made('third', async () => undone.push('third'));
      throw new Error('step failed');
    });
    await expect(failure).rejects.toThrow('step failed');
    expect(undone).toEqual(['third', 'second', 'first']);
    expect(log).toEqual(['dual: could not undo second: busy']);
  });

  it('keeps everything once the workspace is complete', async () => {
    const undone: string[] = [];
    const failure = runCreate(() => {}, async (run) => {
      run.made('container', async () => undone.push('container'));
      run.keep();
      throw new Error('setup failed');
    });
    await expect(failure).rejects.toThrow('setup failed');
    expect(undone).toEqual([]);
  });

  it('stops at the next checkpoint after SIGINT with exit code 130, and rolls back', async () => {
    const undone: string[] = [];
    const log: string[] = [];
    const failure = runCreate((m) => log.push(m), async (run) => {
      run.made('worktree', async () => undone.push('worktree'));
      process.emit('SIGINT', 'SIGINT');
      expect(run.interrupted()).toBe(true);
      run.checkpoint();
      undone.push('never reached');
    });
    const error = await failure.catch((e: unknown) => e);
    expect(isDualError(error) && error.exitCode).toBe(130);
    expect(undone).toEqual(['worktree']);
    expect(log).toEqual(['dual: interrupted; undoing what this create made']);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});
