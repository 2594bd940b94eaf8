import { afterEach, describe, expect, it, vi } from 'vitest';
import { traceMark } from '../../src/adapters/trace.js';

describe('traceMark: step marks only when DUAL_TRACE=1', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('prints the step with the ms since the process began on stderr, and nothing otherwise', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    vi.stubEnv('DUAL_TRACE', '');
    traceMark('create: worktree');
    expect(written).toEqual([]);
    vi.stubEnv('DUAL_TRACE', '1');
    traceMark('create: worktree');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^dual: trace \d+ ms create: worktree\n$/);
  });
});
