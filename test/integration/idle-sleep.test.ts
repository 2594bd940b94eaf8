import { execFileSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { containerName, workspaceId } from '../../src/model/naming.js';
import { gotoSettled, hmrAppFiles, launchChromium, startDualProxy, type ProxyChild } from '../browser/browser-fixtures.js';
import { dualOk, runDual } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freePort, request, waitFor } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Idle sleep end to end: real engine, real git, `dual proxy` as a child with the idle unit
 * shortened (DUAL_IDLE_MINUTE_MS) so the sweep is observable without waiting minutes, the
 * test's dev server (test/fixtures/hmr-app) run by the container's `start`.
 */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('nap');
const id = workspaceId(repo, 'main');
const sleepyId = workspaceId(repo, 'sleepy');
const docker = new ApiTransport();
let port = 0;
let proxy: ProxyChild | undefined;
let browser: Browser | undefined;

const host = (ws: string) => `${ws}.localhost:${port}`;

async function state(ws: string): Promise<string | undefined> {
  const { stdout } = await dualOk(['list', '--json'], { env });
  return (JSON.parse(stdout) as Array<{ id: string; state: string }>).find((w) => w.id === ws)?.state;
}

async function containerState(ws: string): Promise<string> {
  return (await docker.request<{ State: { Status: string } }>('GET', `/containers/${containerName(ws)}/json`)).State.Status;
}

/** How many times the engine started the workspace's container since `since` (epoch s): the events API, read to its end. */
function starts(ws: string, since: number): number {
  const until = Math.ceil(Date.now() / 1000) + 1;
  const out = execFileSync('docker', ['events', '--since', String(since), '--until', String(until), '--filter', 'type=container', '--filter', `container=${containerName(ws)}`, '--filter', 'event=start', '--format', '{{.ID}}'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).length;
}

beforeAll(async () => {
  port = await freePort();
  const dualJson = { image: 'dual-test/node', ports: [port], env: { PORT: String(port) }, start: 'node server.js' };
  const sleepy = { ...dualJson, idle: { stopAfterMinutes: 2 }, attached: { side: { image: 'dual-test/busybox', command: ['sleep', '3600'] } } };
  makeRepo(sandbox.path('nap'), { ...hmrAppFiles(), '.dual.json': JSON.stringify(dualJson), 'message.txt': 'the app answered\n' }, { sleepy: { '.dual.json': JSON.stringify(sleepy) } });
  await dualOk(['add', sandbox.path('nap'), '--name', repo], { env });
  await dualOk(['create', repo, 'main'], { env });
  // One "minute" of idle.stopAfterMinutes is 1.5 s for this proxy: the sweep runs every 375 ms.
  proxy = startDualProxy({ ...env, DUAL_IDLE_MINUTE_MS: '1500' }, port);
  await waitFor(async () => (await request(port, host(id))).status === 200, 60_000, 'the proxy to serve').catch((error: Error) => {
    throw new Error(`${error.message}\n${proxy!.output()}`);
  });
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await proxy?.stop();
  docker.close();
  await sandbox.cleanup();
});

describe('sleep and wake', () => {
  it('a request to a sleeping workspace wakes it once and is answered by the app', async () => {
    await dualOk(['sleep', id], { env });
    expect(await containerState(id)).toBe('exited');
    expect(await state(id)).toBe('sleeping');
    const since = Math.floor(Date.now() / 1000) - 1;
    // Several clients at once (no Accept: text/html): each is held, then served by the app.
    const replies = await Promise.all([1, 2, 3, 4].map(() => request(port, host(id))));
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.body).toContain('the app answered');
    }
    expect(starts(id, since)).toBe(1);
    expect(await state(id)).toBe('running');
  });

  it('`dual exec` wakes a sleeping workspace and runs the command', async () => {
    await dualOk(['sleep', id], { env });
    const result = await runDual(['exec', id, '--', 'cat', 'message.txt'], { env });
    expect(result.stderr).toContain(`waking ${id}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('the app answered\n');
    expect(await containerState(id)).toBe('running');
  });

  it('a browser sees the waking page, then the app by itself', async () => {
    await dualOk(['sleep', id], { env });
    browser = await launchChromium();
    const page = await (await browser.newContext()).newPage();
    const first = await gotoSettled(page, `http://${host(id)}/`);
    expect(first?.status()).toBe(503);
    expect(first?.headers()['x-dual-page']).toBe('waking');
    expect(await page.locator('h1').textContent()).toBe(`Waking ${id}`);
    await page.waitForFunction(() => document.getElementById('message')?.textContent === 'the app answered', undefined, { timeout: 60_000 });
  });

  it('a cross-site subresource request or a rebinding Host does not wake it; a user-stopped workspace is never woken', async () => {
    await dualOk(['sleep', id], { env });
    const crossSite = await request(port, host(id), { headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', accept: 'image/*' } });
    expect(crossSite.status).toBe(503);
    expect(crossSite.headers['x-dual-page']).toBe('sleeping');
    // A DNS-rebinding page sends its own name as Host: refused before any route or wake.
    const rebinding = await request(port, `attacker.example:${port}`, { path: `/?to=${id}` });
    expect(rebinding.status).toBe(403);
    expect(await containerState(id)).toBe('exited');

    await dualOk(['stop', id], { env });
    expect(await state(id)).toBe('exited');
    const stopped = await request(port, host(id));
    expect(stopped.status).toBe(503);
    expect(stopped.headers['x-dual-page']).toBe('workspace-stopped');
    const exec = await runDual(['exec', id, '--', 'true'], { env });
    expect(exec.code).toBe(125);
    expect(exec.stderr).toContain('is stopped');
    expect(await containerState(id)).toBe('exited');
  });

  it('the idle sweep puts a workspace with idle.stopAfterMinutes to sleep, with its attached container', async () => {
    await dualOk(['create', repo, 'sleepy'], { env });
    // No request, no exec: after 2 "minutes" (3 s here) the proxy's sweep runs `dual sleep`.
    await waitFor(async () => (await state(sleepyId)) === 'sleeping', 60_000, `${sleepyId} to be put to sleep`).catch((error: Error) => {
      throw new Error(`${error.message}\n${proxy!.output()}`);
    });
    expect(await containerState(`${sleepyId}--side`)).toBe('exited');
    // Asleep, not stopped: a request wakes it (and its attached container).
    const reply = await request(port, host(sleepyId));
    expect(reply.status).toBe(200);
    expect(await containerState(`${sleepyId}--side`)).toBe('running');
  });

  it('keeps a workspace awake while an attached agent works (its main process, no exec, no request), and sleeps it once the agent is quiet', async () => {
    // Two busy loops: the agent keeps a fair share of CPU however loaded the machine is.
    await dualOk(['attach', sleepyId, 'agent', '--image', 'dual-test/busybox', '--', 'sh', '-c', 'while :; do :; done & while :; do :; done'], { env });
    const kept = `keeping ${sleepyId} awake: its attached agent is working`;
    await waitFor(async () => proxy!.output().includes(kept), 60_000, 'the sweep to find the agent working').catch((error: Error) => {
      throw new Error(`${error.message}\n${proxy!.output()}`);
    });
    expect(await state(sleepyId)).toBe('running');
    expect(await containerState(`${sleepyId}--agent`)).toBe('running');
    await dualOk(['attached', 'rm', sleepyId, 'agent'], { env });
    await waitFor(async () => (await state(sleepyId)) === 'sleeping', 60_000, `${sleepyId} to be put to sleep once the agent is gone`);
  }, 120_000);
});
