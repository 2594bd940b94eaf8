import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePidFile } from '../../proxy/pid-file.js';
import { processIdentity, startTicks } from '../../proxy/process-identity.js';
import { decideRestart, DEFAULT_RESTART_POLICY } from '../../proxy/restart-policy.js';
import { RotatingLogFile } from '../../proxy/rotating-log.js';

const dir = mkdtempSync(join(tmpdir(), 'dual-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('decideRestart', () => {
  const policy = DEFAULT_RESTART_POLICY;
  it('restarts at once after a good run, doubling the wait for each rapid failure in a row', () => {
    expect(decideRestart(0, 60_000, policy)).toEqual({ kind: 'restart', delayMs: 250, rapidFailures: 1 });
    expect(decideRestart(1, 2_000, policy)).toEqual({ kind: 'restart', delayMs: 500, rapidFailures: 2 });
    expect(decideRestart(3, 2_000, policy)).toEqual({ kind: 'restart', delayMs: 2_000, rapidFailures: 4 });
  });
  it('gives up after maxRapidFailures rapid failures in a row', () => {
    expect(decideRestart(policy.maxRapidFailures - 1, 100, policy)).toEqual({ kind: 'give-up', rapidFailures: policy.maxRapidFailures });
  });
  it('a run longer than stableMs forgives earlier failures', () => {
    expect(decideRestart(policy.maxRapidFailures - 1, policy.stableMs, policy)).toEqual({ kind: 'restart', delayMs: 250, rapidFailures: 1 });
  });
  it('never waits longer than maxDelayMs', () => {
    expect(decideRestart(2, 0, { ...policy, maxRapidFailures: 100 })).toMatchObject({ delayMs: 1_000 });
    expect(decideRestart(40, 0, { ...policy, maxRapidFailures: 100 })).toMatchObject({ delayMs: policy.maxDelayMs });
  });
});

describe('process identity', () => {
  it('reads field 22 of /proc/<pid>/stat, whatever the command name holds', () => {
    const fields = Array.from({ length: 30 }, (_, i) => String(i + 3));
    expect(startTicks(`42 (a) b) ${fields.join(' ')}`)).toBe('22');
    expect(startTicks('42 (node) S 1')).toBeUndefined();
    expect(startTicks('garbage')).toBeUndefined();
  });
  it('is stable for one process and differs between two', () => {
    const own = processIdentity(process.pid);
    expect(own).toBeDefined();
    expect(processIdentity(process.pid)).toBe(own);
    expect(processIdentity(process.ppid)).not.toBe(own);
  });
  it('parses pid files with and without an identity line', () => {
    expect(parsePidFile('12\nlinux:b:34\n')).toEqual({ pid: 12, identity: 'linux:b:34' });
    expect(parsePidFile('12\n')).toEqual({ pid: 12 });
    expect(parsePidFile('x\n')).toBeUndefined();
    expect(parsePidFile('-3')).toBeUndefined();
  });
});

describe('RotatingLogFile', () => {
  it('keeps the log under its bound by moving it to <file>.1, one old file kept', async () => {
    const file = join(dir, 'proxy.log');
    const log = new RotatingLogFile(file, 1_000);
    const line = `${'x'.repeat(99)}\n`;
    for (let i = 0; i < 35; i++) log.write(line);
    await new Promise<void>((resolve) => log.end(resolve));
    expect(readdirSync(dir).sort()).toEqual(['proxy.log', 'proxy.log.1']);
    expect(readFileSync(file, 'utf8').length).toBe(500);
    expect(readFileSync(`${file}.1`, 'utf8').length).toBe(1_000);
  });
});
