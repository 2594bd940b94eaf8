import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceId } from '../../src/model/naming.js';
import { dualOk, runDual } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freePort, request, waitFor } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';
import { gotoSettled, launchChromium, startDualProxy, type ProxyChild } from './browser-fixtures.js';

/**
 * Dashboard states the main dashboard test does not reach: a workspace put to sleep shows
 * as sleeping (not stopped) without a reload, a setup that failed shows its exit code, and
 * the page follows the system's dark scheme (Chromium's prefers-color-scheme emulation).
 */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('dstate');
const mainId = workspaceId(repo, 'main');
const brokenId = workspaceId(repo, 'broken');
let port = 0;
let proxy: ProxyChild | undefined;
let browser: Browser | undefined;

const row = (id: string) => `tr[data-id="${id}"]`;

async function waitForStatus(page: Page, id: string, status: string): Promise<void> {
  await page
    .waitForFunction(([sel, want]) => document.querySelector(sel!)?.getAttribute('data-status') === want, [row(id), status] as const, { timeout: 60_000 })
    .catch(async (error: Error) => {
      const now = await page.locator(row(id)).getAttribute('data-status').catch(() => 'no row');
      throw new Error(`${id}: wanted ${status}, shows ${now}: ${error.message}\n${proxy?.output() ?? ''}`);
    });
}

async function openDashboard(colorScheme: 'light' | 'dark'): Promise<Page> {
  const page = await (await browser!.newContext({ colorScheme })).newPage();
  await gotoSettled(page, `http://localhost:${port}/`);
  await page.waitForSelector(row(mainId), { timeout: 60_000 });
  return page;
}

/** Relative luminance (0 black .. 1 white) of a computed CSS colour `rgb(r, g, b)`. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[0-9.]+/g) ?? []).slice(0, 3).map((v) => Number(v) / 255);
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
}

const colours = (page: Page) =>
  page.evaluate(() => {
    const style = getComputedStyle(document.body);
    return { background: style.backgroundColor, text: style.color };
  });

beforeAll(async () => {
  port = await freePort();
  const start = `mkdir -p /tmp/www && echo up > /tmp/www/index.html && exec httpd -f -p ${port} -h /tmp/www`;
  const dualJson = { image: 'dual-test/busybox', start, ports: [port] };
  makeRepo(sandbox.path('dstate'), { '.dual.json': JSON.stringify(dualJson) }, { broken: { '.dual.json': JSON.stringify({ ...dualJson, setup: 'echo failing on purpose; exit 3' }) } });
  await dualOk(['add', sandbox.path('dstate'), '--name', repo], { env });
  await dualOk(['create', repo, 'main'], { env });
  const broken = await runDual(['create', repo, 'broken'], { env });
  expect(broken.code).toBe(3);
  proxy = startDualProxy(env, port);
  await waitFor(async () => (await request(port, `localhost:${port}`)).status === 200, 30_000, 'the proxy to answer');
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await proxy?.stop();
  await sandbox.cleanup();
});

describe('dashboard states', () => {
  it('shows a failed setup with its exit code', async () => {
    const page = await openDashboard('light');
    await waitForStatus(page, brokenId, 'setup-failed');
    expect(await page.locator(`${row(brokenId)} [data-col="state"]`).textContent()).toContain('exit code 3');
  });

  it('shows a workspace put to sleep as sleeping, live, and a request brings it back to serving', async () => {
    const page = await openDashboard('light');
    await waitForStatus(page, mainId, 'serving');
    await page.evaluate(() => ((window as unknown as { __kept: boolean }).__kept = true));
    await dualOk(['sleep', mainId], { env });
    await waitForStatus(page, mainId, 'sleeping');
    expect(await page.locator(`${row(mainId)} [data-col="state"]`).textContent()).toContain('stopped while idle');
    expect((await request(port, `${mainId}.localhost:${port}`)).body).toBe('up\n');
    await waitForStatus(page, mainId, 'serving');
    expect(await page.evaluate(() => (window as unknown as { __kept?: boolean }).__kept)).toBe(true);
  });

  it('stops a sleeping workspace from its Stop button, so a request no longer wakes it; Start brings it back', async () => {
    const page = await openDashboard('light');
    await dualOk(['attach', mainId, 'db', '--image', 'dual-test/busybox', '--', 'sleep', '3600'], { env });
    const chip = `${row(mainId)} button.chip`;
    const chipSays = (text: string) => page.waitForFunction(([sel, want]) => document.querySelector(sel!)?.textContent === want, [chip, text] as const, { timeout: 60_000 });
    await chipSays('db · running');
    await dualOk(['sleep', mainId], { env });
    await waitForStatus(page, mainId, 'sleeping');
    // Its attached container sleeps with it: not shown as a failure (exited, in red).
    await chipSays('db · sleeping');
    expect(await page.locator(chip).getAttribute('data-state')).toBe('sleeping');
    expect((await dualOk(['list'], { env })).stdout).toMatch(/└ db\s+sleeping/);
    await page.click(`${row(mainId)} button[data-action="stop"]`);
    await waitForStatus(page, mainId, 'stopped');
    await chipSays('db · stopped');
    expect((await request(port, `${mainId}.localhost:${port}`)).status).toBe(503);
    expect((JSON.parse((await dualOk(['list', '--json'], { env })).stdout) as Array<{ id: string; state: string }>).find((w) => w.id === mainId)?.state).toBe('exited');
    await page.click(`${row(mainId)} button[data-action="start"]`);
    await waitForStatus(page, mainId, 'serving');
    await chipSays('db · running');
  }, 120_000);

  it('follows the system colour scheme: light text on dark in dark mode, and the reverse', async () => {
    const light = await colours(await openDashboard('light'));
    const dark = await colours(await openDashboard('dark'));
    expect(luminance(light.background)).toBeGreaterThan(0.8);
    expect(luminance(light.text)).toBeLessThan(0.2);
    expect(luminance(dark.background)).toBeLessThan(0.1);
    expect(luminance(dark.text)).toBeGreaterThan(0.5);
  });
});
