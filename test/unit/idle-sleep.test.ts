import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordFromInspect } from '../../proxy/container-record.js';
import type { ProxyLog } from '../../proxy/log.js';
import { RouteTable } from '../../proxy/route-table.js';
import { ActivityTracker } from '../../proxy/wake/activity.js';
import { IdleSweep } from '../../proxy/wake/idle-sweep.js';
import { mayWake, wantsWakingPage } from '../../proxy/wake/wake-policy.js';
import { Waker } from '../../proxy/wake/waker.js';
import { gate } from '../../proxy/wake/wake-gate.js';
import { parseDualJson } from '../../src/adapters/config/dual-json.js';
import { isSleeping, markSleeping, touchActivity, lastActivity } from '../../src/model/sleep-state.js';

const stateDir = mkdtempSync(join(tmpdir(), 'dual-idle-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
const quiet: ProxyLog = { info() {}, warn() {}, error() {}, debug() {} } as unknown as ProxyLog;

function container(id: string, state: string, labels: Record<string, string> = {}) {
  return recordFromInspect({ Id: `c-${id}`, Name: `/dual-${id}`, State: { Status: state }, Config: { Labels: { 'dual.workspace': id, 'dual.ports': '3000', ...labels } } })!;
}

type DualAnswer = { code: number; message?: string };

/**
 * A clock the test moves, and a `dual` CLI stand-in that records its calls. By default it
 * changes the table as the real one would; `answer` replaces what it does.
 */
function world(now = { t: 1_000_000 }, answer?: (verb: string, id: string) => Promise<DualAnswer>) {
  const table = new RouteTable('bridge');
  const calls: string[] = [];
  const asTheRealOne = async (verb: string, id: string): Promise<DualAnswer> => {
    await new Promise((r) => setTimeout(r, 5));
    const current = table.workspace(id)!.main;
    if (verb === 'sleep') markSleeping(stateDir, current.containerId);
    table.upsert({ ...current, state: verb === 'start' ? 'running' : 'exited' });
    return { code: 0 };
  };
  const waker = new Waker({
    table,
    stateDir,
    log: quiet,
    now: () => now.t,
    routesChanged: () => Promise.resolve(),
    runDual: ([verb, id]) => {
      calls.push(`${verb} ${id}`);
      return (answer ?? asTheRealOne)(verb!, id!);
    },
  });
  return { table, calls, waker, now };
}

describe('.dual.json idle', () => {
  it('takes whole minutes from 1 to a week, and nothing else', () => {
    expect(parseDualJson('{"idle":{"stopAfterMinutes":30}}', 'f').idle).toEqual({ stopAfterMinutes: 30 });
    expect(() => parseDualJson('{"idle":{"stopAfterMinutes":0}}', 'f')).toThrow(/idle.stopAfterMinutes.*at least 1/);
    expect(() => parseDualJson('{"idle":{"stopAfterMinutes":1.5}}', 'f')).toThrow(/whole minutes/);
    expect(() => parseDualJson('{"idle":{"stopAfterMinutes":100000}}', 'f')).toThrow(/at most 10080/);
    expect(() => parseDualJson('{"idle":{"stopAfterMinutes":5,"after":3}}', 'f')).toThrow(/unknown key "after"/);
  });

  it('is read back from the container label, and a bad label means never', () => {
    expect(container('a', 'running', { 'dual.idle-minutes': '15' }).idleMinutes).toBe(15);
    expect(container('a', 'running', { 'dual.idle-minutes': '-3' }).idleMinutes).toBeUndefined();
    expect(container('a', 'running').idleMinutes).toBeUndefined();
  });
});

describe('activity', () => {
  it('counts open requests as use until they end, and a newly running workspace as just used', () => {
    let t = 10;
    const tracker = new ActivityTracker(() => t);
    const end = tracker.begin('a');
    expect(tracker.busy('a')).toBe(true);
    t = 50;
    end();
    end();
    expect(tracker.busy('a')).toBe(false);
    expect(tracker.lastUsed('a')).toBe(50);
    t = 90;
    tracker.observe([{ id: 'b', main: container('b', 'running'), attached: [] }]);
    expect(tracker.lastUsed('b')).toBe(90);
  });

  it('records execs in a file, never outside the activity folder', () => {
    touchActivity(stateDir, 'shop-main', new Date(5_000));
    expect(lastActivity(stateDir, 'shop-main')).toBe(5_000);
    touchActivity(stateDir, '../escape');
    expect(lastActivity(stateDir, '../escape')).toBe(0);
  });
});

describe('wake policy', () => {
  it('lets local clients and top-level navigations wake, not cross-site subresources', () => {
    expect(mayWake({})).toBe(true);
    expect(mayWake({ 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' })).toBe(true);
    expect(mayWake({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' })).toBe(true);
    expect(mayWake({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' })).toBe(false);
    expect(mayWake({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'websocket' })).toBe(false);
    expect(wantsWakingPage({ accept: 'text/html,*/*' }, 'GET')).toBe(true);
    expect(wantsWakingPage({ accept: '*/*' }, 'GET')).toBe(false);
    expect(wantsWakingPage({ accept: 'text/html' }, 'POST')).toBe(false);
  });
});

describe('waker', () => {
  it('wakes a sleeping workspace once for many requests, and never a stopped one', async () => {
    const { table, calls, waker } = world();
    table.upsert(container('a', 'exited'));
    table.upsert(container('b', 'exited'));
    markSleeping(stateDir, 'c-a');
    const tracker = new ActivityTracker();
    const deps = { waker, tracker, holdMs: 10_000 };
    const view = () => table.workspace('a')!;
    const held = [1, 2, 3].map(() => gate(deps, view(), {}, 'GET'));
    expect(held.map((g) => g.kind)).toEqual(['hold', 'hold', 'hold']);
    const browser = gate(deps, view(), { accept: 'text/html' }, 'GET');
    expect(browser).toMatchObject({ kind: 'page', page: { kind: 'waking' } });
    for (const g of held) expect(g.kind === 'hold' && (await g.done)).toBeUndefined();
    expect(calls).toEqual(['start a']);
    expect(gate(deps, table.workspace('b')!, {}, 'GET').kind).toBe('pass');
    expect(isSleeping(stateDir, 'c-b')).toBe(false);
  });

  it('holds a script only up to the bound, then answers 503 waking; a failed wake is not retried at once', async () => {
    const { table, calls, waker, now } = world({ t: 5_000_000 }, (_verb, id) =>
      id === 'bad' ? Promise.resolve({ code: 1, message: 'image gone' }) : new Promise(() => undefined),
    );
    table.upsert(container('slow', 'exited'));
    table.upsert(container('bad', 'exited'));
    markSleeping(stateDir, 'c-slow');
    markSleeping(stateDir, 'c-bad');
    const deps = { waker, tracker: new ActivityTracker(), holdMs: 20 };
    const slow = gate(deps, table.workspace('slow')!, {}, 'GET');
    expect(slow.kind === 'hold' && (await slow.done)).toMatchObject({ kind: 'waking' });
    const bad = gate(deps, table.workspace('bad')!, {}, 'GET');
    expect(bad.kind === 'hold' && (await bad.done)).toMatchObject({ kind: 'wake-failed', detail: 'image gone' });
    expect(gate(deps, table.workspace('bad')!, { accept: 'text/html' }, 'GET')).toMatchObject({ kind: 'page', page: { kind: 'wake-failed' } });
    now.t += 31_000;
    const again = gate(deps, table.workspace('bad')!, {}, 'GET');
    expect(again.kind === 'hold' && (await again.done)).toMatchObject({ kind: 'wake-failed' });
    expect(calls.filter((c) => c === 'start bad')).toHaveLength(2);
  });

  it('a request during a sleep waits for it, then wakes the workspace', async () => {
    const { table, calls, waker } = world();
    table.upsert(container('s', 'running'));
    const sleeping = waker.sleep('s');
    const woken = waker.wake('s');
    await sleeping;
    expect(await woken).toEqual({ ok: true });
    expect(calls).toEqual(['sleep s', 'start s']);
  });
});

describe('idle sweep', () => {
  it('puts to sleep only workspaces with idle minutes, unused that long, with no exec or setup running', async () => {
    const { table, calls, waker, now } = world();
    const tracker = new ActivityTracker(() => now.t);
    table.upsert(container('idle', 'running', { 'dual.idle-minutes': '2' }));
    table.upsert(container('never', 'running'));
    table.upsert(container('execing', 'running', { 'dual.idle-minutes': '2' }));
    table.upsert(container('open', 'running', { 'dual.idle-minutes': '2' }));
    table.upsert(container('installing', 'running', { 'dual.idle-minutes': '2', 'dual.entry': '1', 'dual.config': '{"setup":"npm ci"}' }));
    mkdirSync(join(stateDir, 'home', 'state', 'workspaces', 'installing'), { recursive: true });
    writeFileSync(join(stateDir, 'home', 'state', 'workspaces', 'installing', 'setup'), 'running\n');
    tracker.observe(table.workspaces());
    tracker.begin('open');
    const sweep = new IdleSweep({ table, tracker, waker, stateDir, home: join(stateDir, 'home'), log: quiet, minuteMs: 1_000, now: () => now.t, runningExecs: async (id) => id === 'c-execing', attachedBusy: async () => false });
    now.t += 1_999;
    expect(await sweep.sweep()).toEqual([]);
    now.t += 1;
    expect(await sweep.sweep()).toEqual(['idle']);
    expect(calls).toEqual(['sleep idle']);
    expect(table.workspace('idle')!.main.state).toBe('exited');
  });

  it('keeps a workspace awake while an attached container works (an agent as its main process, no exec); a quiet one sleeps', async () => {
    const { table, calls, waker, now } = world();
    const tracker = new ActivityTracker(() => now.t);
    table.upsert(container('agent-ws', 'running', { 'dual.idle-minutes': '1' }));
    table.upsert(container('agent', 'running', { 'dual.workspace': 'agent-ws', 'dual.attached': 'agent' }));
    table.upsert(container('db-ws', 'running', { 'dual.idle-minutes': '1' }));
    table.upsert(container('db', 'running', { 'dual.workspace': 'db-ws', 'dual.attached': 'db' }));
    tracker.observe(table.workspaces());
    const busy = new Set(['c-agent']);
    const sweep = new IdleSweep({
      table, tracker, waker, stateDir, home: join(stateDir, 'home'), log: quiet, minuteMs: 1_000, now: () => now.t,
      runningExecs: async () => false,
      attachedBusy: async (id) => busy.has(id),
    });
    now.t += 1_000;
    expect(await sweep.sweep()).toEqual(['db-ws']);
    // Its work counted as use: idle again only a full period later, and it sleeps once the agent is quiet.
    busy.clear();
    now.t += 999;
    expect(await sweep.sweep()).toEqual([]);
    now.t += 1;
    expect(await sweep.sweep()).toEqual(['agent-ws']);
    expect(calls).toEqual(['sleep db-ws', 'sleep agent-ws']);
  });
});
