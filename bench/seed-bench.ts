import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo } from '../test/helpers/git-repo.js';
import { appFiles, type RealApp } from '../test/real/real-app.js';
import type { BenchEnv } from './bench-env.js';
import { timeToFirst200 } from './framework-bench.js';
import { percentile } from './stats.js';

export interface SeedTiming {
  app: RealApp['name'];
  /** `dual create` to the first 200 through the proxy with no seed anywhere (warm npm cache). */
  unseeded: number[];
  /** The same with another workspace of the repo holding node_modules for the same lockfile. */
  seeded: number[];
  unseededP50: number;
  seededP50: number;
}

const RUNS = 2;

/**
 * Issue 11's measure: a new branch of a real app, `dual create` to its first 200 through the
 * proxy, without and with a seed. Same `.dual.json` for both (`setup: npm install`, which keeps
 * a seeded node_modules; `npm ci` would delete it), warm npm cache for both, so the difference
 * is the seed alone. Unseeded runs first, each with no other workspace and an empty seed
 * cache; then one untimed branch is created (the source) and the seeded runs follow.
 */
export async function benchSeed(env: BenchEnv, app: RealApp, port: number, log: (line: string) => void): Promise<SeedTiming> {
  const repo = seedRepoName(env, app);
  const unseededBranches = Array.from({ length: RUNS }, (_, i) => `u-${i + 1}`);
  const seededBranches = Array.from({ length: RUNS }, (_, i) => `s-${i + 1}`);
  const dualJson = JSON.stringify({
    image: 'dual-test/node',
    setup: 'npm install --no-audit --no-fund',
    start: app.start,
    ports: [port],
    env: { PORT: String(port), ...app.env },
    seed: { node_modules: ['package-lock.json'] },
  });
  const branches = ['warm', 'source', ...unseededBranches, ...seededBranches];
  makeRepo(env.path(repo), { ...appFiles(app, join(env.checkout, 'test', 'fixtures', 'real')), '.dual.json': dualJson }, Object.fromEntries(branches.map((b) => [b, {}])));
  await env.dual('add', env.path(repo), '--name', repo);
  const clearCache = () => rmSync(join(env.home, 'cache', 'seed', repo), { recursive: true, force: true });

  const run = async (branch: string): Promise<number> => {
    log(`bench: ${app.name}: dual create ${branch} (${branch.startsWith('s-') ? 'seeded' : 'unseeded'}) ...`);
    const id = `${repo}-${branch}`;
    return timeToFirst200(env, ['create', repo, branch], id, port);
  };
  // Fills the npm cache (untimed), so unseeded and seeded both install with a warm cache.
  await run('warm');
  await env.dual('destroy', `${repo}-warm`, '--force');
  clearCache();
  const unseeded: number[] = [];
  for (const branch of unseededBranches) {
    unseeded.push(await run(branch));
    await env.dual('destroy', `${repo}-${branch}`, '--force');
    clearCache();
  }
  await run('source');
  const seeded: number[] = [];
  for (const branch of seededBranches) {
    seeded.push(await run(branch));
    await env.dual('destroy', `${repo}-${branch}`, '--force');
  }
  await env.dual('destroy', `${repo}-source`, '--force');
  return { app: app.name, unseeded, seeded, unseededP50: percentile(unseeded, 50), seededP50: percentile(seeded, 50) };
}

export function seedRepoName(env: BenchEnv, app: RealApp): string {
  return `${env.repo}-${app.name}-seed`;
}
