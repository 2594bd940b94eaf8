import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceId } from '../../src/model/naming.js';
import { dualOk } from '../helpers/cli.js';
import { eventually } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freePort, request } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';
import { gotoSettled, launchChromium, startDualProxy, type ProxyChild } from './browser-fixtures.js';

/**
 * The dashboard in a real browser, through `dual proxy` on a real engine: it follows what
 * happens from the CLI without a reload, its buttons act through the CLI, its log view
 * follows a container, a hostile branch name stays text, another origin can change nothing,
 * and destroy keeps the CLI's refusal. Screenshots go to test-results/ for a person to see.
 */
const RESULTS = fileURLToPath(new URL('../../test-results', import.meta.url));
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('dash');
const HOSTILE_BRANCH = 'feat/<img/src=x/onerror=window.__pwned=1>';
const mainId = workspaceId(repo, 'main');
const hostileId = workspaceId(repo, HOSTILE_BRANCH);

let port = 0;
let proxy: ProxyChild | undefined;
let browser: Browser | undefined;
let page: Page;
let attacker: http.Server | undefined;

const row = (id: string) => `tr[data-id="${id}"]`;

/** Waits, polling inside the page (no sleeps), until the workspace's row shows `status`. */
async function waitForStatus(id: string, status: string, timeout = 60_000): Promise<void> {
  await page
    .waitForFunction(([sel, want]) => document.querySelector(sel!)?.getAttribute('data-status') === want, [row(id), status] as const, { timeout })
    .catch(async (error: Error) => {
      const now = await page.locator(row(id)).getAttribute('data-status').catch(() => 'no row');
      throw new Error(`${id}: wanted ${status}, shows ${now}: ${error.message}\n${proxy?.output() ?? ''}`);
    });
}

async function listed(): Promise<Array<{ id: string; state: string; worktree: string }>> {
  return JSON.parse((await dualOk(['list', '--json'], { env })).stdout) as Array<{ id: string; state: string; worktree: string }>;
}

const count = (text: string) => (proxy?.output().split(text).length ?? 1) - 1;
const refusals = () => count('dashboard request refused');

beforeAll(async () => {
  port = await freePort();
  // The dev server: busybox httpd in the background (so it can stop while the container runs),
  // then the main process follows a file, so a line appended to it is the dev server's output.
  const start =
    `mkdir -p /tmp/www && echo "$DUAL_BRANCH" > /tmp/www/index.html && httpd -p ${port} -h /tmp/www && ` +
    'touch /tmp/devlog && echo "dev server up" && exec tail -f /tmp/devlog';
  makeRepo(sandbox.path('dash'), { '.dual.json': JSON.stringify({ image: 'dual-test/busybox', start, ports: [port] }) }, { [HOSTILE_BRANCH]: { 'README.md': 'hostile\n' } });
  await dualOk(['add', sandbox.path('dash'), '--name', repo], { env });
  await dualOk(['create', repo, 'main'], { env });

  proxy = startDualProxy(env, port);
  await eventually(async () => ((await request(port, `localhost:${port}`)).status === 200 ? true : undefined), 'the proxy to answer', 30_000);

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  await gotoSettled(page, `http://localhost:${port}/`);
  await waitForStatus(mainId, 'serving');
  // A reload would drop this: every later check proves the page updated itself.
  await page.evaluate(() => ((window as unknown as { __kept: boolean }).__kept = true));
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, 'dashboard-1.png'), fullPage: true });
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await proxy?.stop();
  await new Promise((resolve) => (attacker ? attacker.close(resolve) : resolve(undefined)));
  await sandbox.cleanup();
});

const stillSamePage = async () => expect(await page.evaluate(() => (window as unknown as { __kept?: boolean }).__kept)).toBe(true);

describe('the dashboard follows the workspaces live', () => {
  it('shows a `dual create` without a reload, the hostile branch name as text', async () => {
    await dualOk(['create', repo, HOSTILE_BRANCH], { env });
    await waitForStatus(hostileId, 'serving');
    expect(await page.locator(`${row(hostileId)} .branch`).textContent()).toBe(HOSTILE_BRANCH);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect(page.locator(`${row(hostileId)} .commit`).textContent()).resolves.toContain('on feat/<img/src=x/onerror=window.__pwned=1>');
    await stillSamePage();
  });

  it('shows a dev server that stops listening while its container runs', async () => {
    await dualOk(['exec', hostileId, '--', 'killall', 'httpd'], { env });
    await waitForStatus(hostileId, 'not-listening');
    expect(await page.locator(`${row(hostileId)} li.port`).getAttribute('data-answers')).toBe('no');
    await stillSamePage();
  });

  it('shows a `dual stop`', async () => {
    await dualOk(['stop', hostileId], { env });
    await waitForStatus(hostileId, 'stopped');
    await stillSamePage();
  });

  it('stops and starts a workspace with its buttons', async () => {
    await page.click(`${row(mainId)} button[data-action="stop"]`);
    await waitForStatus(mainId, 'stopped');
    expect((await listed()).find((w) => w.id === mainId)?.state).toBe('exited');
    await page.click(`${row(mainId)} button[data-action="start"]`);
    await waitForStatus(mainId, 'serving');
    expect((await listed()).find((w) => w.id === mainId)?.state).toBe('running');
    await stillSamePage();
  }, 120_000);

  it('works over HTTPS and HTTP/2 on the same port: live, and its buttons act (the Origin is https there)', async () => {
    const secure = await browser!.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
    const tab = await secure.newPage();
    await gotoSettled(tab, `https://localhost:${port}/`);
    expect(await tab.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol)).toBe('h2');
    await tab.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-status') === 'serving', row(mainId), { timeout: 60_000 });
    const restarts = count(`dashboard: restart ${mainId}`);
    await tab.click(`${row(mainId)} button[data-action="restart"]`);
    await tab.waitForFunction(() => document.getElementById('toasts')?.textContent?.includes('restart done'), undefined, { timeout: 60_000 });
    expect(count(`dashboard: restart ${mainId}`)).toBe(restarts + 1);
    await secure.close();
    await waitForStatus(mainId, 'serving');
  }, 120_000);

  it("follows a workspace's log, showing a line written after it opened, as text", async () => {
    await page.click(`${row(mainId)} button[data-action="logs"]`);
    await page.waitForFunction(() => document.getElementById('log-output')?.textContent?.includes('dev server up'), undefined, { timeout: 30_000 });
    const line = `line ${Date.now()} <img src=x onerror="window.__pwned=2">`;
    await dualOk(['exec', mainId, '--', 'sh', '-c', 'printf "%s\\n" "$1" >> /tmp/devlog', 'sh', line], { env });
    await page.waitForFunction((want) => document.getElementById('log-output')?.textContent?.includes(want), line, { timeout: 30_000 });
    expect(await page.locator('#log-output img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.click('#log-close');
    expect(await page.locator('#logs').isHidden()).toBe(true);
  });
});

describe('attached containers on the dashboard', () => {
  it('shows one attached with `dual attach` without a reload, and follows its log', async () => {
    await dualOk(['attach', mainId, 'agent', '--image', 'dual-test/busybox', '--', 'sh', '-c', 'echo "agent says <b>hi</b>"; exec sleep 3600'], { env });
    const chip = `${row(mainId)} button.chip`;
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-state') === 'running', chip, { timeout: 60_000 });
    expect(await page.locator(chip).textContent()).toBe('agent · running');
    await page.click(chip);
    await page.waitForFunction(() => document.getElementById('log-output')?.textContent?.includes('agent says <b>hi</b>'), undefined, { timeout: 30_000 });
    expect(await page.locator('#logs-title').textContent()).toBe(`Logs: agent (attached to ${mainId})`);
    await page.click('#log-close');
    await dualOk(['attached', 'rm', mainId, 'agent'], { env });
    await page.waitForFunction((sel) => document.querySelector(sel) === null, chip, { timeout: 60_000 });
    await stillSamePage();
  }, 120_000);
});

describe('the dashboard against other web pages', () => {
  const token = () => readFileSync(join(sandbox.home, 'state', 'dashboard-token'), 'utf8').trim();
  const stopUrl = () => `http://localhost:${port}/api/workspaces/${mainId}/stop`;

  it('keeps its token in DUAL_HOME, readable by the user only', () => {
    expect(statSync(join(sandbox.home, 'state', 'dashboard-token')).mode & 0o777).toBe(0o600);
    expect(token()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lets a page of another origin trigger nothing, with or without the token', async () => {
    // The attacker's page knows the token (the worst case: it leaked) and tries every way a
    // page can send a request: no-cors fetch with and without it, a CORS fetch, a form.
    const attack = `<!doctype html><iframe name="sink"></iframe>
<form id="f" method="post" action="${stopUrl()}" enctype="text/plain" target="sink"><input name='{"force":true,"x":"' value='"}'></form>
<script>
(async () => {
  const url = ${JSON.stringify(stopUrl())}, token = ${JSON.stringify(token())}, results = [];
  for (const headers of [{}, { 'x-dual-token': token, 'content-type': 'application/json' }]) {
    try { await fetch(url, { method: 'POST', mode: 'no-cors', headers, body: '{}' }); results.push('answer readable'); } catch { results.push('no answer'); }
  }
  try { await fetch(url, { method: 'POST', headers: { 'x-dual-token': token, 'content-type': 'application/json' }, body: '{}' }); results.push('cors-allowed'); } catch { results.push('cors-blocked'); }
  try { const r = await fetch(${JSON.stringify(`http://localhost:${port}/api/snapshot`)}, { headers: { 'x-dual-token': token } }); results.push('read ' + (await r.text()).length); } catch { results.push('read-blocked'); }
  document.getElementById('f').submit();
  window.__results = results;
})();
</script>`;
    attacker = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attack));
    await new Promise<void>((resolve) => attacker!.listen(0, '127.0.0.1', resolve));
    const before = refusals();
    const stopsBefore = count(`dashboard: stop ${mainId}`);
    const evil = await browser!.newPage();
    await evil.goto(`http://127.0.0.1:${(attacker.address() as { port: number }).port}/`);
    const results = await evil.waitForFunction(() => (window as unknown as { __results?: string[] }).__results, undefined, { timeout: 30_000 });
    // The no-cors answers are blocked too (Cross-Origin-Resource-Policy), yet the requests went out: the proxy refused them.
    expect(await results.jsonValue()).toEqual(['no answer', 'no answer', 'cors-blocked', 'read-blocked']);
    // Both no-cors fetches and the form reached the proxy and were refused.
    await eventually(async () => (refusals() >= before + 3 ? true : undefined), 'three refusals in the proxy log', 30_000);
    await evil.close();
    expect(count(`dashboard: stop ${mainId}`)).toBe(stopsBefore);
    expect((await listed()).find((w) => w.id === mainId)?.state).toBe('running');
  });

  it('refuses a wrong Origin, a missing token and a rebinding Host with 403, and grants no CORS', async () => {
    const own = `http://localhost:${port}`;
    const post = (host: string, headers: Record<string, string>) =>
      request(port, host, { method: 'POST', path: `/api/workspaces/${mainId}/stop`, headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    const attempts = [
      await post(`localhost:${port}`, { 'x-dual-token': token(), origin: 'http://127.0.0.1:1' }),
      await post(`localhost:${port}`, { 'x-dual-token': token(), origin: `http://${mainId}.localhost:${port}` }),
      await post(`localhost:${port}`, { origin: own }),
      await post(`localhost:${port}`, { 'x-dual-token': 'f'.repeat(64), origin: own }),
      await post(`localhost:${port}`, { 'x-dual-token': token() }),
      await post(`rebind.attacker.example:${port}`, { 'x-dual-token': token(), origin: `http://rebind.attacker.example:${port}` }),
      await request(port, `localhost:${port}`, { path: '/api/events' }),
      await request(port, `localhost:${port}`, { path: `/api/logs?workspace=${mainId}` }),
    ];
    for (const reply of attempts) {
      expect(reply.status).toBe(403);
      expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    }
    const preflight = await request(port, `localhost:${port}`, { method: 'OPTIONS', path: `/api/workspaces/${mainId}/stop`, headers: { origin: 'http://127.0.0.1:1', 'access-control-request-method': 'POST' } });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect((await listed()).find((w) => w.id === mainId)?.state).toBe('running');
  });

  it('serves the page with a strict CSP and no framing', async () => {
    const reply = await request(port, `localhost:${port}`);
    expect(reply.headers['content-security-policy']).toMatch(/script-src 'sha256-[^']+'(;|$)/);
    expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(reply.headers['x-frame-options']).toBe('DENY');
  });
});

describe('destroy from the dashboard', () => {
  it('is refused for a workspace with uncommitted work, shows why, and forces only after the id is typed', async () => {
    const worktree = (await listed()).find((w) => w.id === hostileId)!.worktree;
    writeFileSync(join(worktree, 'notes.txt'), 'work in progress\n');
    // The git poller notices the change.
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('1 uncommitted change'), `${row(hostileId)} .dirty`, { timeout: 60_000 });

    await page.click(`${row(hostileId)} button[data-action="destroy"]`);
    await page.click('#confirm-ok');
    await page.waitForFunction(() => !document.getElementById('confirm-refusal')?.hidden, undefined, { timeout: 60_000 });
    expect(await page.locator('#confirm-refusal').textContent()).toContain('uncommitted changes');
    expect(await page.locator('#confirm-ok').isDisabled()).toBe(true);
    expect(existsSync(join(worktree, 'notes.txt'))).toBe(true);
    expect((await listed()).map((w) => w.id)).toContain(hostileId);

    await page.fill('#confirm-typed', hostileId);
    await page.click('#confirm-ok');
    await page.waitForFunction((sel) => document.querySelector(sel) === null, row(hostileId), { timeout: 60_000 });
    expect((await listed()).map((w) => w.id)).not.toContain(hostileId);
    await stillSamePage();
  }, 180_000);
});

describe('twenty workspaces', () => {
  it('are grouped by repo and filterable, and a screenshot is written', async () => {
    const repos = [sandbox.repoName('api'), sandbox.repoName('web')];
    for (const name of repos) {
      const config = { image: 'dual-test/busybox', start: `exec httpd -f -p ${port}`, ports: [port] };
      makeRepo(sandbox.path(name), { '.dual.json': JSON.stringify(config) });
      await dualOk(['add', sandbox.path(name), '--name', name], { env });
    }
    const branches = ['main', 'feat/login', 'feat/search', 'fix/header-overflow', 'chore/deps', 'feat/checkout-v2', 'feat/dark-mode', 'fix/cache-keys', 'feat/i18n', 'spike/graphql'];
    const wanted = repos.flatMap((r) => branches.map((b) => ({ repo: r, branch: b }))).slice(0, 19);
    for (let i = 0; i < wanted.length; i += 4) {
      await Promise.all(wanted.slice(i, i + 4).map((w) => dualOk(['create', w.repo, w.branch], { env })));
    }
    await dualOk(['stop', workspaceId(repos[0]!, 'chore/deps')], { env });
    const ids = [mainId, ...wanted.map((w) => workspaceId(w.repo, w.branch))];
    await page.waitForFunction((n) => document.querySelectorAll('tr[data-id]').length === n, ids.length, { timeout: 60_000 });
    for (const id of ids) if (id !== workspaceId(repos[0]!, 'chore/deps')) await waitForStatus(id, 'serving');
    expect(await page.locator('section.repo').count()).toBe(3);

    await page.fill('#filter', 'checkout');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-id]').length === 2);
    await page.fill('#filter', '');
    await page.waitForFunction((n) => document.querySelectorAll('tr[data-id]').length === n, ids.length);
    await page.screenshot({ path: join(RESULTS, 'dashboard-20.png'), fullPage: true });
    await stillSamePage();
  }, 300_000);
});
