import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dualOk, runDual } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Config changes apply without destroy (issue 7): `dual restart`/`dual start` recreate the
 * container when `.dual.json`'s container-shaping settings changed, `dual recreate` always
 * does; the worktree, named volumes and attached containers stay, and the attached ones
 * rejoin the new container's network namespace.
 */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('cfg');
const id = `${repo}-a`;
const worktree = `${sandbox.home}/worktrees/${repo}/a`;

function config(greeting: string, setup = 'echo first-setup'): string {
  return JSON.stringify({
    image: 'dual-test/busybox',
    setup,
    start: 'mkdir -p /tmp/w && echo "$GREETING $DUAL_BRANCH" > /tmp/w/index.html && exec httpd -f -p 3000 -h /tmp/w',
    env: { GREETING: greeting },
    volumes: ['cache'],
    attached: { side: { image: 'dual-test/busybox', command: 'mkdir -p /tmp/s && echo side > /tmp/s/index.html && exec httpd -f -p 6000 -h /tmp/s' } },
  });
}

const inWorkspace = (port: number) => dualOk(['exec', id, '--', 'wget', '-qO-', `http://localhost:${port}/`], { env }).then((r) => r.stdout.trim());
const fromDb = (port: number) => dualOk(['attached', 'exec', id, 'db', '--', 'wget', '-qO-', `http://localhost:${port}/`], { env }).then((r) => r.stdout.trim());
async function containerId(): Promise<string> {
  const list = JSON.parse((await dualOk(['list', '--json'], { env })).stdout) as Array<{ id: string; containerId: string }>;
  return list.find((w) => w.id === id)!.containerId;
}

beforeAll(async () => {
  makeRepo(sandbox.path('cfg'), { '.dual.json': config('hello'), '.gitignore': 'cache\n' }, { a: {} });
  await dualOk(['add', sandbox.path('cfg'), '--name', repo], { env });
  await dualOk(['create', repo, 'a'], { env });
  await dualOk(['exec', id, '--', 'sh', '-c', 'echo kept > cache/file'], { env });
  const db = 'mkdir -p /tmp/d && echo db > /tmp/d/index.html && exec httpd -f -p 5432 -h /tmp/d';
  await dualOk(['attach', id, 'db', '--image', 'dual-test/busybox', '--', 'sh', '-c', db], { env });
});
afterAll(() => sandbox.cleanup());

describe('.dual.json changes apply without destroy', () => {
  it('starts an unchanged workspace as it is', async () => {
    const before = await containerId();
    const r = await dualOk(['start', id], { env });
    expect(r.stderr).not.toContain('recreating');
    expect(await containerId()).toBe(before);
  });

  it('`dual restart` after an env change recreates the container, names the key, keeps volume and attached containers', async () => {
    const before = await containerId();
    writeFileSync(`${worktree}/.dual.json`, config('bonjour'));
    const r = await dualOk(['restart', id], { env });
    expect(r.stderr).toContain(`dual: .dual.json changed (env): recreating the container of ${id} (worktree, volumes and attached containers are kept)`);
    expect(await containerId()).not.toBe(before);
    expect(await inWorkspace(3000)).toBe('bonjour a');
    expect((await dualOk(['exec', id, '--', 'cat', 'cache/file'], { env })).stdout).toBe('kept\n');
    // The attached containers joined the new namespace: both ways, hand-attached and declared.
    expect(await fromDb(3000)).toBe('bonjour a');
    expect(await inWorkspace(5432)).toBe('db');
    expect(await inWorkspace(6000)).toBe('side');
    const attached = JSON.parse((await dualOk(['attached', id, '--json'], { env })).stdout) as Array<{ name: string; state: string }>;
    expect(attached.map((a) => [a.name, a.state])).toEqual([
      ['db', 'running'],
      ['side', 'running'],
    ]);
  });

  it('`dual start` after a setup change recreates the container and runs the new setup before start', async () => {
    writeFileSync(`${worktree}/.dual.json`, config('bonjour', 'echo second-setup'));
    const r = await dualOk(['start', id], { env });
    expect(r.stderr).toContain('changed (setup)');
    expect(r.stderr).toContain('second-setup');
    expect(await inWorkspace(3000)).toBe('bonjour a');
  });

  it('`dual recreate` makes a new container even when nothing changed', async () => {
    const before = await containerId();
    const r = await dualOk(['recreate', id], { env });
    expect(r.stdout).toBe(`${id}\trunning\n`);
    expect(r.stderr).toContain(`dual: recreating the container of ${id}`);
    expect(await containerId()).not.toBe(before);
    expect(await fromDb(3000)).toBe('bonjour a');
    expect((await dualOk(['exec', id, '--', 'cat', 'cache/file'], { env })).stdout).toBe('kept\n');
  });

  it('refuses an unknown workspace with one line', async () => {
    const r = await runDual(['recreate', `${repo}-nope`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`dual: no workspace '${repo}-nope'; see \`dual list\` for the workspaces there are`);
  });
});
