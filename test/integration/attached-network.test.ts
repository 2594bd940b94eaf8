import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { dualOk, runDual } from '../helpers/cli.js';
import { BRANCH_PAGE_CONFIG, eventually } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * The seed's P0-3 experiment (workers joining a parent's network namespace) as dual
 * behaviour, plus the lifecycle rule the seed lacked: attached containers follow their
 * workspace through stop, start and restart.
 */
const sandbox = new Sandbox();
const repo = sandbox.repoName('net');
const env = sandbox.env;
const a = `${repo}-a`;
const b = `${repo}-b`;
const docker = new ApiTransport();
/** An attached "database": httpd on 5432 serving `db-<branch>`. */
const DB = ['sh', '-c', 'mkdir -p /tmp/d && echo "db-$DUAL_BRANCH" > /tmp/d/index.html && exec httpd -f -p 5432 -h /tmp/d'];

async function output(args: string[]): Promise<string | undefined> {
  const r = await runDual(args, { env });
  return r.code === 0 ? r.stdout.trim() : undefined;
}
const fromAttached = (ws: string, name: string, port: number) => output(['attached', 'exec', ws, name, '--', 'wget', '-qO-', `http://localhost:${port}/`]);
const fromWorkspace = (ws: string, port: number) => output(['exec', ws, '--', 'wget', '-qO-', `http://localhost:${port}/`]);

interface AttachedJson {
  name: string;
  workspace: string;
  state: string;
  containerName: string;
}
async function attachedStates(ws: string): Promise<Record<string, string>> {
  const list = JSON.parse((await dualOk(['attached', ws, '--json'], { env })).stdout) as AttachedJson[];
  return Object.fromEntries(list.map((x) => [x.name, x.state]));
}

/** Listening sockets (local address + inode) from /proc/net/tcp and tcp6: the same set means the same namespace. */
function listeners(procNetTcp: string): string[] {
  return procNetTcp
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[3] === '0A')
    .map((f) => `${f[1]} inode=${f[9]}`)
    .sort();
}

beforeAll(async () => {
  makeRepo(sandbox.path('net'), { '.dual.json': BRANCH_PAGE_CONFIG }, { a: {}, b: {} });
  await dualOk(['add', sandbox.path('net'), '--name', repo], { env });
  await Promise.all([dualOk(['create', repo, 'a'], { env }), dualOk(['create', repo, 'b'], { env })]);
});
afterAll(async () => {
  docker.close();
  await sandbox.cleanup();
});

describe('attached containers share their workspace network namespace', () => {
  it('three attached containers each get the workspace page from localhost:3000', async () => {
    for (const n of ['w1', 'w2', 'w3']) {
      const r = await dualOk(['attach', a, n, '--image', 'dual-test/busybox', '--', 'sleep', '999999'], { env });
      expect(r.stdout.trim()).toBe(`${a}\t${n}\tdual-${a}--${n}\trunning`);
    }
    for (const n of ['w1', 'w2', 'w3']) expect(await eventually(() => fromAttached(a, n, 3000), `${n} reaching :3000`)).toBe('a');
  });

  it('all four see the same socket table', async () => {
    const own = listeners((await dualOk(['exec', a, '--', 'cat', '/proc/net/tcp', '/proc/net/tcp6'], { env })).stdout);
    expect(own.some((l) => l.includes(':0BB8 '))).toBe(true); // 0BB8 = 3000
    for (const n of ['w1', 'w2', 'w3']) {
      const theirs = listeners((await dualOk(['attached', 'exec', a, n, '--', 'cat', '/proc/net/tcp', '/proc/net/tcp6'], { env })).stdout);
      expect(theirs).toEqual(own);
    }
  });

  it('two workspaces each with an attached container on :5432 do not clash', async () => {
    await dualOk(['attach', a, 'db', '--image', 'dual-test/busybox', '--', ...DB], { env });
    await dualOk(['attach', b, 'db', '--image', 'dual-test/busybox', '-v', '/var/lib/data', '--', ...DB], { env });
    expect(await eventually(() => fromWorkspace(a, 5432), 'a reaching its db')).toBe('db-a');
    expect(await eventually(() => fromWorkspace(b, 5432), 'b reaching its db')).toBe('db-b');
  });

  it('lists attached containers under their workspace', async () => {
    const list = JSON.parse((await dualOk(['list', '--json'], { env })).stdout) as Array<{ id: string; attached: AttachedJson[] }>;
    expect(list.find((w) => w.id === a)!.attached.map((x) => x.name)).toEqual(['db', 'w1', 'w2', 'w3']);
    expect(list.find((w) => w.id === b)!.attached.map((x) => [x.name, x.containerName])).toEqual([['db', `dual-${b}--db`]]);
    const text = (await dualOk(['list'], { env })).stdout;
    expect(text).toMatch(new RegExp(`${a} .*\\n  └ db .*running`));
  });

  it('after `dual restart` the attached container reaches :3000 and the workspace reaches the attached port', async () => {
    await dualOk(['restart', a], { env });
    expect(await eventually(() => fromAttached(a, 'db', 3000), 'db reaching :3000 after restart')).toBe('a');
    expect(await eventually(() => fromWorkspace(a, 5432), 'workspace reaching db after restart')).toBe('db-a');
    expect(await eventually(() => fromAttached(a, 'w2', 3000), 'w2 reaching :3000 after restart')).toBe('a');
  });

  it('`dual stop` stops the attached containers and `dual start` brings them back onto the network', async () => {
    await dualOk(['stop', a], { env });
    expect(await attachedStates(a)).toEqual({ db: 'exited', w1: 'exited', w2: 'exited', w3: 'exited' });
    const refused = await runDual(['attached', 'exec', a, 'db', '--', 'true'], { env });
    expect(refused.code).toBe(125);
    expect(refused.stderr).toContain(`dual attached start ${a} db`);
    await dualOk(['start', a], { env });
    expect(await attachedStates(a)).toEqual({ db: 'running', w1: 'running', w2: 'running', w3: 'running' });
    expect(await eventually(() => fromAttached(a, 'w3', 3000), 'w3 reaching :3000 after start')).toBe('a');
    expect(await eventually(() => fromWorkspace(a, 5432), 'workspace reaching db after start')).toBe('db-a');
  });

  it('`dual attached stop` keeps a container down across a workspace restart until `attached start`', async () => {
    await dualOk(['attached', 'stop', a, 'w1'], { env });
    await dualOk(['restart', a], { env });
    expect((await attachedStates(a)).w1).toBe('exited');
    await dualOk(['attached', 'start', a, 'w1'], { env });
    expect(await eventually(() => fromAttached(a, 'w1', 3000), 'w1 reaching :3000 after attached start')).toBe('a');
  });

  it('`dual start` revives an attached container left in a dead namespace by a restart outside dual', async () => {
    await docker.request('POST', `/containers/dual-${a}/restart?t=1`);
    await dualOk(['start', a], { env });
    expect(await eventually(() => fromAttached(a, 'w2', 3000), 'w2 reaching :3000')).toBe('a');
  });

  it('dual status shows workspaces, attached containers, usage and the proxy', async () => {
    const report = JSON.parse((await dualOk(['status', '--json'], { env })).stdout) as {
      workspaces: Array<{ id: string; state: string; usage?: { memoryBytes: number }; attached: AttachedJson[] }>;
      proxy: { state: string };
    };
    const ws = report.workspaces.find((w) => w.id === b)!;
    expect(ws.state).toBe('running');
    expect(ws.usage!.memoryBytes).toBeGreaterThan(0);
    expect(ws.attached.map((x) => [x.name, x.state])).toEqual([['db', 'running']]);
    // The sandbox never starts a proxy (autoStart off).
    expect(report.proxy.state).toBe('stopped');
    const text = (await dualOk(['status'], { env })).stdout;
    expect(text).toMatch(new RegExp(`${b} +running +[0-9.]+% +[0-9.]+[KMG]iB +b\\n  └ db +running`));
    expect(text).toContain('proxy: stopped');
  });

  it('destroy removes attached containers and their volumes', async () => {
    const filter = (kind: string) => encodeURIComponent(JSON.stringify({ label: [`dual.workspace=${b}`, ...(kind === 'attached' ? ['dual.attached'] : [])] }));
    const volumes = () => docker.request<{ Volumes: Array<{ Name: string }> | null }>('GET', `/volumes?filters=${filter('attached')}`);
    expect((await volumes()).Volumes!.map((v) => v.Name)).toEqual([`dual-${b}--db-v-var-lib-data`]);
    await dualOk(['destroy', b, '--force'], { env });
    expect(await docker.request<unknown[]>('GET', `/containers/json?all=1&filters=${filter('any')}`)).toEqual([]);
    expect((await volumes()).Volumes ?? []).toEqual([]);
  });
});
