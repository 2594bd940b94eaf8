import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContainerRecord } from '../../proxy/container-record.js';
import type { DashboardSnapshot } from '../../proxy/dashboard/snapshot.js';
import { LiveModel } from '../../proxy/dashboard/live-model.js';
import { silentLog } from '../../proxy/log.js';
import { RouteTable } from '../../proxy/route-table.js';
import { eventually } from '../helpers/fixtures.js';

/** The live model against real sockets on loopback (the "container" is a local TCP server). */
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

function setup(port: number) {
  const state = mkdtempSync(join(tmpdir(), 'dual-live-'));
  const table = new RouteTable('published');
  const record: ContainerRecord = {
    containerId: 'c1', workspace: 'shop-main', name: 'dual-shop-main', state: 'running', repo: 'shop', branch: 'main',
    worktree: '/nowhere', ports: [3000], hostRewrite: false, bridgeIp: '', published: { 3000: port },
  };
  table.upsert(record);
  let gitReads = 0;
  const model = new LiveModel({
    table,
    stateDir: state,
    engineConnected: () => true,
    git: async () => ({ worktreeSummary: async () => ({ head: { sha: 'abc1234', subject: `read ${++gitReads}`, committedAt: 1 }, changes: 0 }) }),
    engine: async () => ({ stats: async () => ({ cpuPercent: 12.34, memoryBytes: 2048 }), logs: async () => undefined }),
    log: silentLog,
    timing: { probeMs: 20, gitMs: 20, statsMs: 20, debounceMs: 5 },
  });
  const seen: DashboardSnapshot[] = [];
  cleanups.push(() => rmSync(state, { recursive: true, force: true }), () => model.close());
  return { table, record, model, seen, gitReads: () => gitReads, subscribe: () => model.subscribe((json) => seen.push(JSON.parse(json) as DashboardSnapshot)) };
}

const last = (seen: DashboardSnapshot[]) => seen[seen.length - 1]?.workspaces[0];

describe('dashboard live model', () => {
  it('pushes serving, then nothing listening when the port stops answering, with git and usage', async () => {
    const { server, port } = await listen();
    const live = setup(port);
    live.subscribe();
    expect(last(live.seen)?.status).toBe('checking');
    await eventually(async () => (last(live.seen)?.status === 'serving' ? true : undefined), 'serving');
    await eventually(async () => (last(live.seen)?.cpuPercent === 12.3 && last(live.seen)?.commit?.sha === 'abc1234' ? true : undefined), 'usage and git');
    await new Promise((resolve) => server.close(resolve));
    await eventually(async () => (last(live.seen)?.status === 'not-listening' ? true : undefined), 'not listening');
  });

  it('polls nothing while no page is connected, and stops when the last one leaves', async () => {
    const { server, port } = await listen();
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const live = setup(port);
    // The fakes answer within microtasks: one turn of the event loop lets any started read finish.
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    live.model.routesChanged();
    await settle();
    expect(live.gitReads()).toBe(0);
    const unsubscribe = live.subscribe();
    await eventually(async () => (live.gitReads() >= 2 ? true : undefined), 'git polled while connected');
    unsubscribe();
    await settle();
    const after = live.gitReads();
    live.model.routesChanged();
    await settle();
    expect(live.gitReads()).toBe(after);
  });

  it('forgets the answers of a stopped container, so a restart shows checking, not stale serving', async () => {
    const { server, port } = await listen();
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const live = setup(port);
    live.subscribe();
    await eventually(async () => (last(live.seen)?.status === 'serving' ? true : undefined), 'serving');
    live.table.upsert({ ...live.record, state: 'exited', published: {} });
    live.model.routesChanged();
    await eventually(async () => (last(live.seen)?.status === 'stopped' ? true : undefined), 'stopped');
    expect(live.model.snapshot().workspaces[0]?.ports[0]?.answers).toBeNull();
  });
});
