import { describe, expect, it } from 'vitest';
import { currentRunSince } from '../../workspaces/bring-up.js';
import { listeningSockets } from '../../workspaces/port-probe.js';
import { containerHasSetup, describeState, setupSummary } from '../../workspaces/workspace-state.js';

const ok = { kind: 'ok' } as const;

describe('what dual list calls a workspace', () => {
  it('is running only when every declared port answers', () => {
    expect(describeState({ container: 'running', hasSetup: true, setup: ok, ports: [{ port: 3000, listening: true }] })).toBe('running');
    expect(
      describeState({ container: 'running', hasSetup: false, setup: ok, ports: [{ port: 3000, listening: true }, { port: 5173, listening: false }] }),
    ).toBe('running (5173 not listening)');
  });

  it('says setting up, or setup failed with its exit code, instead of running', () => {
    expect(describeState({ container: 'running', hasSetup: true, setup: { kind: 'running' } })).toBe('setting up');
    expect(describeState({ container: 'running', hasSetup: true, setup: { kind: 'pending' } })).toBe('setting up');
    expect(describeState({ container: 'running', hasSetup: true, setup: { kind: 'failed', exitCode: 137 } })).toBe('setup failed (exit 137)');
  });

  it("shows Docker's state for a container that does not run", () => {
    expect(describeState({ container: 'exited', hasSetup: true, setup: { kind: 'failed', exitCode: 1 } })).toBe('exited');
  });

  it('ignores setup records of a container without setup', () => {
    expect(describeState({ container: 'running', hasSetup: false, setup: { kind: 'pending' }, ports: [] })).toBe('running');
    expect(setupSummary(false, { kind: 'pending' })).toEqual({ state: 'none' });
    expect(setupSummary(true, { kind: 'failed', exitCode: 2 })).toEqual({ state: 'failed', exitCode: 2 });
  });

  it("knows whether a container runs setup from its own labels", () => {
    expect(containerHasSetup({ 'dual.entry': '1', 'dual.config': '{"setup":"npm ci"}' })).toBe(true);
    expect(containerHasSetup({ 'dual.entry': '1', 'dual.config': '{"setup":null}' })).toBe(false);
    expect(containerHasSetup({ 'dual.config': '{"setup":"npm ci"}' })).toBe(false); // made before the entry script
    expect(containerHasSetup({ 'dual.entry': '1', 'dual.config': 'not json' })).toBe(false);
  });
});

describe('listening sockets from /proc/net/tcp', () => {
  const proc = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
    '   1: 0100007F:1435 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0',
    '   2: 0200A8C0:0BB8 0300A8C0:D431 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0',
    '   0: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 4',
    '   1: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5',
    'cat: /proc/net/tcp6: No such file or directory',
  ].join('\n');

  it('tells ports listening on every address from those on loopback only, and ignores connections', () => {
    expect(Object.fromEntries(listeningSockets(proc))).toEqual({ 3000: 'any', 5173: 'loopback', 5432: 'loopback', 8080: 'any' });
  });
});

describe("where a container's current run begins in its log", () => {
  it('is after its previous run ended, or the whole log for a first run', () => {
    expect(currentRunSince({ finishedAt: '0001-01-01T00:00:00Z', startedAt: '2026-11-24T10:00:00.5Z' })).toBe(0);
    expect(currentRunSince({ finishedAt: '2026-11-24T10:00:00.100200300Z', startedAt: '2026-11-24T10:00:01Z' })).toBe(Date.parse('2026-11-24T10:00:00.101Z') / 1000);
    expect(currentRunSince(undefined)).toBe(0);
  });
});
