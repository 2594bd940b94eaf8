import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceId } from '../../src/model/naming.js';
import { launchChromium, retryWhileNetworkChanges, startDualProxy, type ProxyChild } from '../browser/browser-fixtures.js';
import { dualOk } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freePort, request, waitFor } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';
import { appFiles, editMessage, hmrConnected, requireRegistry, sharedNpmCache, textOf, waitForText, type RealApp } from './real-app.js';

/**
 * A real framework app as its users run it, through the dual CLI on the real engine: two
 * branches created with `setup: npm ci` and `start: npm run dev ...` (dependencies from the
 * npm registry, installed in the containers), both served through the proxy on one port,
 * rendered in headless Chromium; an edit on the host updates only its branch's page by HMR
 * with React state kept; a `.dual.json` change applied by `dual restart`; a custom
 * `proxy.domains` host with `hostHeader: localhost`, HMR included.
 */
export function realAppSuite(app: RealApp): void {
  const sandbox = new Sandbox();
  const env = sandbox.env;
  const repo = sandbox.repoName(app.name);
  const branches = { main: 'main', feat: 'feat/ui' } as const;
  type Key = keyof typeof branches;
  const ids = { main: workspaceId(repo, branches.main), feat: workspaceId(repo, branches.feat) };
  const initial = { main: `hello from ${app.name}`, feat: `hello from ${app.name} feat` };
  const worktrees = { main: '', feat: '' };
  const pages = {} as Record<Key, Page>;
  let port = 0;
  let proxy: ProxyChild | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;

  const url = (key: Key, domain = 'localhost') => `http://${ids[key]}.${domain}:${port}/`;
  const dualJson = (extra: Record<string, unknown> = {}) => ({
    image: 'dual-test/node',
    setup: 'npm ci',
    start: app.start,
    ports: [port],
    ...extra,
    env: { PORT: String(port), ...app.env, ...((extra.env as Record<string, string>) ?? {}) },
  });
  const withProxyOutput = (error: Error) => {
    throw new Error(`${error.message}\n${proxy?.output() ?? ''}`);
  };

  /** Opens the page and waits until its HMR socket is open through the proxy (again while the host's network disturbs it). */
  async function open(key: Key, target = url(key)): Promise<void> {
    pages[key] ??= await context!.newPage();
    await openConnected(pages[key], target);
  }

  async function openConnected(page: Page, target: string): Promise<void> {
    await retryWhileNetworkChanges(async () => {
      const connected = hmrConnected(page);
      const response = await page.goto(target);
      expect(response?.status()).toBe(200);
      await connected;
    });
  }

  beforeAll(async () => {
    await requireRegistry();
    port = await freePort();
    writeFileSync(join(sandbox.home, 'config.json'), JSON.stringify({ proxy: { autoStart: false, domains: ['dev.test'] }, npmCache: sharedNpmCache() }));
    const files = appFiles(app);
    const featComponent = files[app.component]!.replace(`'${initial.main}'`, `'${initial.feat}'`);
    makeRepo(sandbox.path(app.name), { ...files, '.dual.json': JSON.stringify(dualJson()) }, { [branches.feat]: { [app.component]: featComponent } });
    await dualOk(['add', sandbox.path(app.name), '--name', repo], { env });
    await Promise.all(Object.values(branches).map((b) => dualOk(['create', repo, b], { env, timeoutMs: 480_000 })));
    const listed = JSON.parse((await dualOk(['list', '--json'], { env })).stdout) as Array<{ id: string; worktree: string }>;
    worktrees.main = listed.find((w) => w.id === ids.main)!.worktree;
    worktrees.feat = listed.find((w) => w.id === ids.feat)!.worktree;
    proxy = startDualProxy(env, port);
    for (const key of ['main', 'feat'] as const) {
      await waitFor(async () => (await request(port, `${ids[key]}.localhost:${port}`)).status === 200, 120_000, `${ids[key]} through the proxy`).catch(withProxyOutput);
    }
    // Chromium resolves *.localhost itself; the custom domain is mapped to loopback here.
    browser = await launchChromium(['--host-resolver-rules=MAP *.dev.test 127.0.0.1']);
    context = await browser.newContext();
    // Bounds for a loaded 2-core machine: two Next.js installs and first compiles at once took 380 s at load 20.
  }, 600_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await proxy?.stop();
    await sandbox.cleanup();
  }, 120_000);

  describe(`a real ${app.name} app in two branch workspaces`, () => {
    it("renders each branch's own page through the proxy, with its HMR socket open", async () => {
      for (const key of ['main', 'feat'] as const) {
        await open(key);
        await waitForText(pages[key], '#message', initial[key]);
      }
    }, 120_000);

    it("updates only the edited branch's page by HMR, keeping React state (no reload)", async () => {
      for (const key of ['main', 'feat'] as const) {
        for (let i = 0; i < 3; i++) await pages[key].click('#count');
        await waitForText(pages[key], '#count', 'count is 3');
        await pages[key].evaluate(() => ((window as unknown as { __kept: boolean }).__kept = true));
      }
      editMessage(worktrees.main, app, 'main, edited on the host');
      await waitForText(pages.main, '#message', 'main, edited on the host');
      expect(await textOf(pages.main, '#count')).toBe('count is 3');
      expect(await pages.main.evaluate(() => (window as unknown as { __kept?: boolean }).__kept)).toBe(true);
      expect(await textOf(pages.feat, '#message')).toBe(initial.feat);

      editMessage(worktrees.feat, app, 'feat, edited on the host');
      await waitForText(pages.feat, '#message', 'feat, edited on the host');
      expect(await textOf(pages.feat, '#count')).toBe('count is 3');
      expect(await pages.feat.evaluate(() => (window as unknown as { __kept?: boolean }).__kept)).toBe(true);
      expect(await textOf(pages.main, '#message')).toBe('main, edited on the host');
    }, 120_000);

    it('applies a .dual.json change with `dual restart`, to that branch only', async () => {
      const file = join(worktrees.main, '.dual.json');
      const changed = dualJson({ hostHeader: 'localhost', env: { [app.settingVar]: 'set by restart' } });
      expect(JSON.parse(readFileSync(file, 'utf8'))).not.toEqual(changed);
      writeFileSync(file, JSON.stringify(changed));
      // The open page would reload itself when its dev server comes back (Vite does); a new tab is the user's next look.
      await pages.main.close();
      pages.main = await context!.newPage();
      const restart = await dualOk(['restart', ids.main], { env, timeoutMs: 420_000 });
      expect(restart.stderr).toMatch(/env/);
      expect(restart.stderr).toMatch(/hostHeader/);
      await waitFor(async () => (await request(port, `${ids.main}.localhost:${port}`)).status === 200, 120_000, 'main after the restart').catch(withProxyOutput);
      await open('main');
      await waitForText(pages.main, '#setting', 'set by restart');
      // The worktree's edits survive: the container was replaced, the worktree kept.
      expect(await textOf(pages.main, '#message')).toBe('main, edited on the host');
      await retryWhileNetworkChanges(async () => {
        await pages.feat.reload();
        await waitForText(pages.feat, '#setting', 'unset');
      });
    }, 480_000);

    it('serves a custom proxy.domains host with hostHeader localhost, HMR included', async () => {
      // main now has hostHeader: localhost (previous test); the dev server sees localhost:<port>.
      const page = await context!.newPage();
      await openConnected(page, url('main', 'dev.test'));
      await waitForText(page, '#message', 'main, edited on the host');
      await page.click('#count');
      await waitForText(page, '#count', 'count is 1');
      await page.evaluate(() => ((window as unknown as { __kept: boolean }).__kept = true));
      editMessage(worktrees.main, app, 'main, edited again');
      await waitForText(page, '#message', 'main, edited again');
      expect(await textOf(page, '#count')).toBe('count is 1');
      expect(await page.evaluate(() => (window as unknown as { __kept?: boolean }).__kept)).toBe(true);
    }, 120_000);

    it('keeps HMR on an https (h2) page while another branch starts, keeping React state', async () => {
      // Starting a container changes the host's network, and Chromium then closes its h2
      // connections: the HMR socket must not be on one (SPEC.md, "No WebSocket over h2").
      const secure = await browser!.newContext({ ignoreHTTPSErrors: true });
      try {
        const page = await secure.newPage();
        await openConnected(page, `https://${ids.main}.localhost:${port}/`);
        expect(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol)).toBe('h2');
        await page.click('#count');
        await waitForText(page, '#count', 'count is 1');
        await page.evaluate(() => ((window as unknown as { __kept: boolean }).__kept = true));
        await dualOk(['stop', ids.feat], { env });
        await dualOk(['start', ids.feat], { env, timeoutMs: 420_000 });
        editMessage(worktrees.main, app, 'main, edited after feat started');
        await waitForText(page, '#message', 'main, edited after feat started');
        expect(await textOf(page, '#count')).toBe('count is 1');
        expect(await page.evaluate(() => (window as unknown as { __kept?: boolean }).__kept)).toBe(true);
      } finally {
        await secure.close();
      }
    }, 480_000);
  });
}
