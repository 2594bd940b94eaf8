import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceId } from '../../src/model/naming.js';
import { startDualProxy, type ProxyChild } from '../browser/browser-fixtures.js';
import { dualOk } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freePort, request, waitFor } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';
import { appFiles, requireRegistry, sharedNpmCache, VITE_APP } from './real-app.js';

/**
 * Issue 11, item 1, with the real Vite app: a second branch with the same package-lock.json
 * starts with a copy of the first branch's node_modules. Its setup is an **offline** npm
 * install with no npm cache at all, so it can only succeed when the seed holds everything
 * (nothing was downloaded); it then serves through the proxy. A branch whose lockfile
 * differs gets the nearest seed and its setup installs the difference. With the user's
 * `seed.hardLinks`, the seed's files are hard links (its hidden lockfile a copy).
 */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('seed');
const ids = { main: workspaceId(repo, 'main'), offline: workspaceId(repo, 'offline'), changed: workspaceId(repo, 'changed'), linked: workspaceId(repo, 'linked') };
let port = 0;
let proxy: ProxyChild | undefined;

/** The fixture's package.json and lockfile with one more dependency, as `npm install left-pad` writes them. */
function withLeftPad(): { 'package.json': string; 'package-lock.json': string } {
  const dir = mkdtempSync(join(tmpdir(), 'dual-seed-lock-'));
  try {
    const fixture = join(import.meta.dirname, '..', 'fixtures', 'real', VITE_APP.fixture);
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(fixture, f), join(dir, f));
    execFileSync('npm', ['install', 'left-pad@1.3.0', '--package-lock-only', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: dir,
      env: { ...process.env, npm_config_cache: sharedNpmCache() },
      stdio: 'ignore',
      timeout: 120_000,
    });
    return { 'package.json': readFileSync(join(dir, 'package.json'), 'utf8'), 'package-lock.json': readFileSync(join(dir, 'package-lock.json'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const served = (id: string) =>
  waitFor(async () => (await request(port, `${id}.localhost:${port}`)).status === 200, 120_000, `${id} through the proxy`).catch((error: Error) => {
    throw new Error(`${error.message}\n${proxy?.output() ?? ''}`);
  });

beforeAll(async () => {
  await requireRegistry();
  port = await freePort();
  writeFileSync(join(sandbox.home, 'config.json'), JSON.stringify({ proxy: { autoStart: false }, npmCache: sharedNpmCache() }));
  const dualJson = (extra: Record<string, unknown>) =>
    JSON.stringify({ image: 'dual-test/node', start: VITE_APP.start, ports: [port], env: { PORT: String(port) }, seed: { node_modules: ['package-lock.json'] }, ...extra });
  makeRepo(sandbox.path('seed'), { ...appFiles(VITE_APP), '.dual.json': dualJson({ setup: 'npm ci --no-audit --no-fund' }) }, {
    // No npm cache at all, and offline: only a complete seed lets this install succeed.
    offline: { '.dual.json': dualJson({ setup: 'npm install --offline --no-audit --no-fund', npmCache: false }) },
    changed: { ...withLeftPad(), '.dual.json': dualJson({ setup: 'npm install --no-audit --no-fund' }) },
    linked: { '.dual.json': dualJson({ setup: 'npm install --offline --no-audit --no-fund', npmCache: false }) },
  });
  await dualOk(['add', sandbox.path('seed'), '--name', repo], { env });
  proxy = startDualProxy(env, port);
}, 300_000);

afterAll(async () => {
  await proxy?.stop();
  await sandbox.cleanup();
}, 120_000);

describe('seeded node_modules (real Vite app)', () => {
  it('the first branch has no seed and installs from the registry', async () => {
    const r = await dualOk(['create', repo, 'main'], { env, timeoutMs: 480_000 });
    expect(r.stderr).toContain('dual: seed node_modules: no seed yet (no other workspace of the repo has set it up); setup installs it\n');
    await served(ids.main);
  }, 600_000);

  it('a branch with the same lockfile takes its seed: an offline install with no npm cache downloads nothing, and it serves', async () => {
    const r = await dualOk(['create', repo, 'offline'], { env, timeoutMs: 480_000 });
    expect(r.stderr).toMatch(new RegExp(`dual: seed node_modules: copied from workspace ${ids.main} \\(same key files\\) in [0-9.]+ s\\n`));
    expect(r.stderr).toMatch(/up to date/);
    await served(ids.offline);
  }, 600_000);

  it('a branch with a changed lockfile gets the nearest seed, and setup installs the difference', async () => {
    const r = await dualOk(['create', repo, 'changed'], { env, timeoutMs: 480_000 });
    expect(r.stderr).toMatch(/dual: seed node_modules: copied from workspace \S+ \(nearest: key files differ, setup brings it up to date\)/);
    expect(r.stderr).toMatch(/added 1 package/);
    await dualOk(['exec', ids.changed, '--', 'node', '-e', "require('left-pad')"], { env });
    await served(ids.changed);
  }, 600_000);

  it('with seed.hardLinks the seed is hard links and the npm hidden lockfile a copy: an offline install succeeds and the source is untouched', async () => {
    const config = join(sandbox.home, 'config.json');
    writeFileSync(config, JSON.stringify({ ...(JSON.parse(readFileSync(config, 'utf8')) as object), seed: { hardLinks: true } }));
    const r = await dualOk(['create', repo, 'linked'], { env, timeoutMs: 480_000 });
    const from = r.stderr.match(/dual: seed node_modules: hard-linked from workspace (\S+) \(same key files\) in [0-9.]+ s\n/)?.[1];
    expect(from).toBeDefined();
    expect(r.stderr).toMatch(/up to date/);
    const listed = JSON.parse((await dualOk(['list', '--json'], { env })).stdout) as Array<{ id: string; worktree: string }>;
    const ino = (id: string, file: string) => statSync(join(listed.find((w) => w.id === id)!.worktree, 'node_modules', file)).ino;
    expect(ino(ids.linked, 'vite/package.json')).toBe(ino(from!, 'vite/package.json'));
    expect(ino(ids.linked, '.package-lock.json')).not.toBe(ino(from!, '.package-lock.json'));
    await served(ids.linked);
  }, 600_000);
});
