import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo } from '../test/helpers/git-repo.js';
import { appFiles, type RealApp } from '../test/real/real-app.js';
import type { BenchEnv } from './bench-env.js';
import { percentile } from './stats.js';
import { timedRun } from './timed-run.js';

export interface FrameworkTiming {
  app: RealApp['name'];
  /** `dual create` (setup `npm ci` with a warm npm cache, then `npm run dev`) to the first 200 through the proxy. */
  create: number[];
  /** `.dual.json` changed, `dual restart` to the first 200 through the proxy. */
  restart: number[];
  createP50: number;
  restartP50: number;
}

const RUNS = 2;

/**
 * What a user of a real app waits for: a new branch's page in the browser, and the page
 * again after changing the branch's `.dual.json`. Both to the first 200 through `dual proxy`
 * (already listening on `port`), so a dev server's first compile counts, as it does for the
 * user. One untimed create first fills the npm cache (the figures are for a warm cache,
 * the common case once any branch of the repo has installed).
 */
export async function benchFramework(env: BenchEnv, app: RealApp, port: number, log: (line: string) => void): Promise<FrameworkTiming> {
  const repo = `${env.repo}-${app.name}`;
  const branches = ['warm', ...Array.from({ length: RUNS }, (_, i) => `run-${i + 1}`)];
  const dualJson = (setting: string) =>
    JSON.stringify({ image: 'dual-test/node', setup: 'npm ci', start: app.start, ports: [port], env: { PORT: String(port), ...app.env, [app.settingVar]: setting } });
  makeRepo(env.path(repo), { ...appFiles(app, join(env.checkout, 'test', 'fixtures', 'real')), '.dual.json': dualJson('first') }, Object.fromEntries(branches.map((b) => [b, {}])));
  await env.dual('add', env.path(repo), '--name', repo);

  const create: number[] = [];
  const restart: number[] = [];
  for (const branch of branches) {
    const id = `${repo}-${branch}`;
    log(`bench: ${app.name}: dual create ${branch} ...`);
    const created = await timeToFirst200(env, ['create', repo, branch], id, port);
    const worktree = join(env.home, 'worktrees', repo, branch);
    writeFileSync(join(worktree, '.dual.json'), dualJson('changed'));
    const restarted = await timeToFirst200(env, ['restart', id], id, port);
    if (branch !== 'warm') {
      create.push(created);
      restart.push(restarted);
    }
    await env.dual('destroy', id, '--force');
  }
  return { app: app.name, create, restart, createP50: percentile(create, 50), restartP50: percentile(restart, 50) };
}

/** Runs the dual command and, meanwhile, polls the workspace through the proxy; ms from spawn to the first 200. */
export async function timeToFirst200(env: BenchEnv, args: string[], id: string, port: number): Promise<number> {
  const started = performance.now();
  const command = timedRun(process.execPath, [env.dualBin, ...args], env.env);
  let failed: string | undefined;
  void command.then((run) => {
    if (run.code !== 0) failed = `dual ${args.join(' ')} exited ${run.code}: ${run.stderr.trim().split('\n').slice(-5).join(' | ')}`;
  });
  // A restart's old container answers until it stops: only count answers after the command began replacing it.
  const firstOk = await pollUntil200(port, `${id}.localhost:${port}`, () => failed, args[0] === 'restart' ? command : undefined);
  const ms = firstOk - started;
  const run = await command;
  if (run.code !== 0) throw new Error(`dual ${args.join(' ')} exited ${run.code}: ${run.stderr.trim()}`);
  return ms;
}

async function pollUntil200(port: number, host: string, gaveUp: () => string | undefined, after?: Promise<unknown>): Promise<number> {
  if (after) await after;
  const deadline = performance.now() + 600_000;
  for (;;) {
    const reason = gaveUp();
    if (reason) throw new Error(reason);
    if ((await status(port, host).catch(() => 0)) === 200) return performance.now();
    if (performance.now() > deadline) throw new Error(`${host} never answered 200 through the proxy`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One GET through the proxy; a long timeout, since a dev server's first compile may take seconds. */
function status(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers: { host, accept: 'text/html' }, agent: false, timeout: 120_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}
