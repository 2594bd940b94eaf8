import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSetupState, readSetupState } from '../../src/model/setup-state.js';

const root = mkdtempSync(join(tmpdir(), 'dual-setup-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dirWith(name: string, make: (file: string) => void): string {
  const dir = join(root, name);
  mkdirSync(dir);
  make(join(dir, 'setup'));
  return dir;
}

describe('the setup record a container writes (untrusted)', () => {
  it('reads the three records the entry script writes', () => {
    expect(parseSetupState('running\n')).toEqual({ kind: 'running' });
    expect(parseSetupState('ok\n')).toEqual({ kind: 'ok' });
    expect(parseSetupState('failed 137\n')).toEqual({ kind: 'failed', exitCode: 137 });
  });

  it('reads anything else as unknown', () => {
    for (const text of ['', 'ok\nok\n', 'failed 0\n', 'failed 256\n', 'failed -1\n', 'failed 1e3\n', ' ok\n', 'OK\n', 'failed 3 \n']) {
      expect(parseSetupState(text)).toEqual({ kind: 'unknown' });
    }
  });

  it('is pending when nothing was recorded yet', () => {
    expect(readSetupState(join(root, 'nothing-here'))).toEqual({ kind: 'pending' });
  });

  it('reads a record from its file', () => {
    expect(readSetupState(dirWith('failed', (f) => writeFileSync(f, 'failed 3\n')))).toEqual({ kind: 'failed', exitCode: 3 });
  });

  it('does not follow a symlink planted by the container, wait on a FIFO, or read a large file', () => {
    const target = join(root, 'host-secret');
    writeFileSync(target, 'ok\n');
    expect(readSetupState(dirWith('link', (f) => symlinkSync(target, f)))).toEqual({ kind: 'unknown' });
    expect(readSetupState(dirWith('fifo', (f) => execFileSync('mkfifo', [f])))).toEqual({ kind: 'unknown' });
    expect(readSetupState(dirWith('big', (f) => writeFileSync(f, `ok\n${' '.repeat(1 << 20)}`)))).toEqual({ kind: 'unknown' });
    expect(readSetupState(dirWith('dir', (f) => mkdirSync(f)))).toEqual({ kind: 'unknown' });
  });
});
