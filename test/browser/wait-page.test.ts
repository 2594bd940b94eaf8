import { spawn, type ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceId } from '../../src/model/naming.js';
import { DUAL_BIN, dualOk } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { stopChild } from '../helpers/processes.js';
import { freePort, request, waitFor } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';
import { gotoSettled, hmrAppFiles, launchChromium, startDualProxy, type ProxyChild } from './browser-fixtures.js';

/**
 * A browser left on the proxy's 502 "nothing is listening" page while the user starts the
 * dev server (the command the page suggests) shows the app by itself, at the same URL.
 */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('wait');
const id = workspaceId(repo, 'main');
let port = 0;
let proxy: ProxyChild | undefined;
let browser: Browser | undefined;
let devServer: ChildProcess | undefined;

beforeAll(async () => {
  port = await freePort();
  // No `start`: the container idles until the user runs the dev server by hand.
  const dualJson = { image: 'dual-test/node', ports: [port], env: { PORT: String(port) } };
  makeRepo(sandbox.path('wait'), { ...hmrAppFiles(), '.dual.json': JSON.stringify(dualJson), 'message.txt': 'the app answered\n' });
  await dualOk(['add', sandbox.path('wait'), '--name', repo], { env });
  await dualOk(['create', repo, 'main'], { env });
  proxy = startDualProxy(env, port);
  await waitFor(async () => (await request(port, `${id}.localhost:${port}`)).status === 502, 60_000, 'the 502 page').catch((error: Error) => {
    throw new Error(`${error.message}\n${proxy!.output()}`);
  });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  if (devServer) await stopChild(devServer);
  await browser?.close().catch(() => undefined);
  await proxy?.stop();
  await sandbox.cleanup();
});

describe('the 502 page while nothing listens', () => {
  it('reloads itself once the dev server answers', async () => {
    const page = await (await browser!.newContext()).newPage();
    const url = `http://${id}.localhost:${port}/`;
    const first = await gotoSettled(page, url);
    expect(first?.status()).toBe(502);
    expect(await page.locator('h1').textContent()).toBe('Nothing is listening');

    devServer = spawn(process.execPath, [DUAL_BIN, 'exec', id, '--', 'node', 'server.js'], { env: { ...process.env, ...env }, stdio: 'ignore' });
    // Playwright polls in the page: resolves when the reloaded document is the app's.
    await page.waitForFunction(() => document.getElementById('message')?.textContent === 'the app answered', undefined, { timeout: 60_000 });
    expect(page.url()).toBe(url);
  });
});
