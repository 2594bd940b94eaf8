import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceId } from '../../src/model/naming.js';
import { dualOk } from '../helpers/cli.js';
import { eventually } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';
import { freePort, request } from '../helpers/proxy-fixtures.js';
import { gotoSettled, hmrAppFiles, launchChromium, startDualProxy, type ProxyChild } from './browser-fixtures.js';

/**
 * The user story of the proxy issue, in a real browser: two branch workspaces of one repo
 * run a hot-reloading dev server on the same port; Chromium opens both branch URLs through
 * `dual proxy`, sees each branch's page, and when a file changes in one worktree on the
 * host only that page updates, over its WebSocket, without a reload.
 */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('hmr');
const branches = { main: 'main', feat: 'feat/x' } as const;
const id = (branch: string) => workspaceId(repo, branch);
const initial = { main: 'hello from main', feat: 'hello from feat/x' };

let port = 0;
let proxy: ProxyChild | undefined;
let browser: Browser | undefined;
const worktrees = { main: '', feat: '' };
const pages = {} as Record<'main' | 'feat', Page>;

const messageText = (page: Page) => page.locator('#message').textContent();

/** Resolves once the page shows `text`; Playwright polls in the page, so no sleeps. */
const waitForMessage = (page: Page, text: string) =>
  page.waitForFunction((want) => document.getElementById('message')?.textContent === want, text, { timeout: 30_000 });

beforeAll(async () => {
  // The proxy forwards <id>.localhost:<p> to the container's port <p>, so the app listens
  // on the proxy's own (free) port inside each container.
  port = await freePort();
  const dualJson = { image: 'dual-test/node', start: 'node server.js', ports: [port], env: { PORT: String(port) } };
  makeRepo(
    sandbox.path('hmr'),
    { ...hmrAppFiles(), '.dual.json': JSON.stringify(dualJson), 'message.txt': `${initial.main}\n` },
    { [branches.feat]: { 'message.txt': `${initial.feat}\n` } },
  );
  await dualOk(['add', sandbox.path('hmr'), '--name', repo], { env });
  await Promise.all(Object.values(branches).map((b) => dualOk(['create', repo, b], { env })));
  const listed = JSON.parse((await dualOk(['list', '--json'], { env })).stdout) as Array<{ id: string; worktree: string }>;
  worktrees.main = listed.find((w) => w.id === id(branches.main))!.worktree;
  worktrees.feat = listed.find((w) => w.id === id(branches.feat))!.worktree;

  proxy = startDualProxy(env, port);
  for (const key of ['main', 'feat'] as const) {
    const host = `${id(branches[key])}.localhost:${port}`;
    await eventually(async () => ((await request(port, host)).body.includes(initial[key]) ? true : undefined), `${host} served through the proxy`, 60_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${proxy!.output()}`);
      },
    );
  }

  browser = await launchChromium();
  const context = await browser.newContext();
  pages.main = await context.newPage();
  pages.feat = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await proxy?.stop();
  await sandbox.cleanup();
});

describe('two branch workspaces in a real browser through dual proxy', () => {
  it("shows each branch's own page at its own <repo>-<branch>.localhost URL", async () => {
    for (const key of ['main', 'feat'] as const) {
      // Chromium resolves *.localhost to loopback itself: the URL a user types.
      const response = await gotoSettled(pages[key], `http://${id(branches[key])}.localhost:${port}/`);
      expect(response?.status()).toBe(200);
      expect(await messageText(pages[key])).toBe(initial[key]);
      // The hot-reload WebSocket went through the proxy too.
      await pages[key].waitForFunction(() => document.body.dataset.hmr === 'connected', undefined, { timeout: 30_000 });
    }
  });

  it("updates only the changed worktree's page, over its WebSocket, without a reload", async () => {
    // A navigation would drop these: the page must still be the document it was.
    const loadIds = {
      main: await pages.main.evaluate(() => (window as unknown as { __loadId: string }).__loadId),
      feat: await pages.feat.evaluate(() => (window as unknown as { __loadId: string }).__loadId),
    };
    for (const page of Object.values(pages)) await page.evaluate(() => ((window as unknown as { __kept: boolean }).__kept = true));
    const stillSameDocument = async (key: 'main' | 'feat') => {
      expect(await pages[key].evaluate(() => (window as unknown as { __kept?: boolean }).__kept)).toBe(true);
      expect(await pages[key].evaluate(() => (window as unknown as { __loadId: string }).__loadId)).toBe(loadIds[key]);
    };

    writeFileSync(join(worktrees.main, 'message.txt'), 'main, edited on the host\n');
    await waitForMessage(pages.main, 'main, edited on the host');
    await stillSameDocument('main');
    await stillSameDocument('feat');
    expect(await messageText(pages.feat)).toBe(initial.feat);

    // And the other way round: an edit on feat/x reaches only feat/x.
    writeFileSync(join(worktrees.feat, 'message.txt'), 'feat/x, edited on the host\n');
    await waitForMessage(pages.feat, 'feat/x, edited on the host');
    await stillSameDocument('feat');
    await stillSameDocument('main');
    expect(await messageText(pages.main)).toBe('main, edited on the host');

    // Kept for a human to look at when this test is in doubt.
    for (const key of ['main', 'feat'] as const) await pages[key].screenshot({ path: join(tmpdir(), `dual-hmr-${key}.png`) });
  });
});
