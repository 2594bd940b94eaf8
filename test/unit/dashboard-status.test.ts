import { describe, expect, it } from 'vitest';
import type { ContainerRecord } from '../../proxy/container-record.js';
import { buildSnapshot, healthKey, type SnapshotFacts } from '../../proxy/dashboard/snapshot.js';
import { STATUS_TEXT, workspaceStatus } from '../../proxy/dashboard/workspace-status.js';

describe('workspace status', () => {
  it('tells serving, partly serving, nothing listening and not yet checked apart for a running container', () => {
    expect(workspaceStatus({ containerState: 'running', portsAnswer: [true, true] })).toBe('serving');
    expect(workspaceStatus({ containerState: 'running', portsAnswer: [true, false] })).toBe('partly-serving');
    expect(workspaceStatus({ containerState: 'running', portsAnswer: [false] })).toBe('not-listening');
    expect(workspaceStatus({ containerState: 'running', portsAnswer: [true, undefined] })).toBe('checking');
  });

  it('puts setup failure first, and tells sleeping from stopped', () => {
    expect(workspaceStatus({ containerState: 'running', portsAnswer: [true], setupFailed: true })).toBe('setup-failed');
    expect(workspaceStatus({ containerState: 'exited', portsAnswer: [false], setupFailed: true })).toBe('setup-failed');
    expect(workspaceStatus({ containerState: 'exited', portsAnswer: [false], sleeping: true })).toBe('sleeping');
    expect(workspaceStatus({ containerState: 'exited', portsAnswer: [false] })).toBe('stopped');
    expect(workspaceStatus({ containerState: 'created', portsAnswer: [] })).toBe('stopped');
    expect(workspaceStatus({ containerState: 'paused', portsAnswer: [true] })).toBe('paused');
    expect(workspaceStatus({ containerState: 'running', portsAnswer: [false], setupRunning: true })).toBe('setting-up');
  });

  it('has a label and a sentence for every state', () => {
    for (const [state, text] of Object.entries(STATUS_TEXT)) {
      expect(text.name.length, state).toBeGreaterThan(0);
      expect(text.detail.length, state).toBeGreaterThan(0);
    }
  });
});

describe('dashboard snapshot', () => {
  const record = (over: Partial<ContainerRecord>): ContainerRecord => ({
    containerId: 'c1', workspace: 'shop-main', name: 'dual-shop-main', state: 'running', repo: 'shop', branch: 'main',
    worktree: '/w/main', ports: [3000, 5173], hostRewrite: false, bridgeIp: '172.17.0.2', published: {}, ...over,
  });
  const facts = (over: Partial<SnapshotFacts> = {}): SnapshotFacts => ({
    engineConnected: true,
    health: new Map([[healthKey('c1', 3000), true], [healthKey('c1', 5173), false]]),
    git: new Map([['/w/main', { head: { sha: 'abc1234', subject: 'fix <b>', committedAt: 1 }, changes: 2 }]]),
    usage: new Map([['c1', { cpuPercent: 1.5, memoryBytes: 1024 }], ['a1', { cpuPercent: 0.1, memoryBytes: 10 }]]),
    markers: () => ({ sleeping: false }),
    ...over,
  });

  it('joins the route table with health, git, usage and attached containers', () => {
    const view = { id: 'shop-main', main: record({}), attached: [record({ containerId: 'a1', attached: 'db', name: 'dual-shop-main--db' })] };
    const [ws] = buildSnapshot([view], [], facts()).workspaces;
    expect(ws).toMatchObject({
      id: 'shop-main', repo: 'shop', branch: 'main', status: 'partly-serving',
      ports: [{ port: 3000, answers: true }, { port: 5173, answers: false }],
      commit: { sha: 'abc1234', subject: 'fix <b>' }, changes: 2, cpuPercent: 1.5,
      attached: [{ name: 'db', state: 'running', cpuPercent: 0.1 }],
    });
    expect(ws!.ports[0]!.url).toBe('http://shop-main.localhost:3000');
    // Once the CA is trusted the links are https://, as `dual urls` prints them.
    expect(buildSnapshot([view], [], facts({ scheme: 'https' })).workspaces[0]!.ports[0]!.url).toBe('https://shop-main.localhost:3000');
  });

  it('shows a stopped workspace as stopped whatever its ports last answered, and no usage', () => {
    const view = { id: 'shop-main', main: record({ state: 'exited' }), attached: [] };
    const [ws] = buildSnapshot([view], [], facts()).workspaces;
    expect(ws).toMatchObject({ status: 'stopped', cpuPercent: null, ports: [{ answers: null }, { answers: null }] });
  });

  it('reads setup failure and its exit code, and setup in progress, for a container that runs setup', () => {
    const view = { id: 'shop-main', main: record({ hasSetup: true }), attached: [] };
    const [failed] = buildSnapshot([view], [], facts({ markers: () => ({ sleeping: false, setupFailed: { exitCode: 3 } }) })).workspaces;
    expect(failed).toMatchObject({ status: 'setup-failed', setupExitCode: 3, statusLabel: 'setup failed' });
    const [running] = buildSnapshot([view], [], facts({ markers: () => ({ sleeping: false, setupUnfinished: true }) })).workspaces;
    expect(running).toMatchObject({ status: 'setting-up', statusLabel: 'setting up' });
    // Without setup there is no record to wait for: the ports decide.
    const [plain] = buildSnapshot([{ ...view, main: record({}) }], [], facts({ markers: () => ({ sleeping: false, setupUnfinished: true }) })).workspaces;
    expect(plain?.status).toBe('partly-serving');
  });
});
