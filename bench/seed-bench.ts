import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { makeRepo } from '../test/helpers/git-repo.js';
import { appFiles, type RealApp } from '../test/real/real-app.js';
import type { BenchEnv } from './bench-env.js';
import { timeToFirst200 } from './framework-bench.js';
import { percentile } from './stats.js';

/** One way of making a new branch's node_modules, as measured. */
export type SeedVariant = 'unseeded' | 'copied' | 'linked';
export const SEED_VARIANTS: readonly SeedVariant[] = ['unseeded', 'copied', 'linked'];

export interface SeedSample {
  ms: number;
  /** The machine's 1-minute load average when the sample ended (the machine is shared). */
  load: number;
}

export interface SeedTiming {
  app: RealApp['name'];
  /** `dual create` to the first 200 through the proxy, per variant, in the order run. */
  samples: Record<SeedVariant, SeedSample[]>;
  p50: Record<SeedVariant, number>;
}

const ROUNDS = 3;

/**
 * Issue 11's measure: a new branch of a real app, `dual create` to its first 200 through the
 * proxy, with no seed (`unseeded`: a repo whose `.dual.json` has no `seed`, so npm installs
 * from its warm cache), with a seed copied (`copied`, the default) and hard-linked (`linked`,
 * the user's `seed.hardLinks`). Same setup for all (`npm install`, which keeps a seeded
 * node_modules; `npm ci` would delete it). The machine is shared and its load swings by 10x
 * within minutes, so the variants alternate, one of each per round, in a rotating order, and
 * each sample records the load average.
 */
export async function benchSeed(env: BenchEnv, app: RealApp, port: number, log: (line: string) => void): Promise<SeedTiming> {
  const [repo, bare] = seedRepoNames(env, app);
  const branches = (v: SeedVariant) => Array.from({ length: ROUNDS }, (_, i) => `${v}-${i + 1}`);
  const dualJson = (seed: boolean) =>
    JSON.stringify({
      image: 'dual-test/node',
      setup: 'npm install --no-audit --no-fund',
      start: app.start,
      ports: [port],
      env: { PORT: String(port), ...app.env },
      ...(seed ? { seed: { node_modules: ['package-lock.json'] } } : {}),
    });
  const fixtures = join(env.checkout, 'test', 'fixtures', 'real');
  const branchMap = (names: string[]) => Object.fromEntries(names.map((b) => [b, {}]));
  makeRepo(env.path(repo), { ...appFiles(app, fixtures), '.dual.json': dualJson(true) }, branchMap(['source', ...branches('copied'), ...branches('linked')]));
  makeRepo(env.path(bare), { ...appFiles(app, fixtures), '.dual.json': dualJson(false) }, branchMap(['warm', ...branches('unseeded')]));
  await env.dual('add', env.path(repo), '--name', repo);
  await env.dual('add', env.path(bare), '--name', bare);

  const run = async (name: string, branch: string): Promise<number> => {
    log(`bench: ${app.name}: dual create ${name} ${branch} ...`);
    return timeToFirst200(env, ['create', name, branch], `${name}-${branch}`, port);
  };
  // Untimed: the first fills the npm cache, the second is the seed's source (kept running).
  await run(bare, 'warm');
  await env.dual('destroy', `${bare}-warm`, '--force');
  await run(repo, 'source');

  const samples: Record<SeedVariant, SeedSample[]> = { unseeded: [], copied: [], linked: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < SEED_VARIANTS.length; k++) {
      const variant = SEED_VARIANTS[(round + k) % SEED_VARIANTS.length]!;
      const name = variant === 'unseeded' ? bare : repo;
      const branch = `${variant}-${round + 1}`;
      setHardLinks(env, variant === 'linked');
      const ms = await run(name, branch);
      samples[variant].push({ ms, load: loadavg()[0]! });
      await env.dual('destroy', `${name}-${branch}`, '--force');
    }
  }
  setHardLinks(env, false);
  await env.dual('destroy', `${repo}-source`, '--force');
  const p50 = (v: SeedVariant) => percentile(samples[v].map((s) => s.ms), 50);
  return { app: app.name, samples, p50: { unseeded: p50('unseeded'), copied: p50('copied'), linked: p50('linked') } };
}

/** `seed.hardLinks` in the bench's config.json (read by each `dual create`). */
function setHardLinks(env: BenchEnv, on: boolean): void {
  const file = join(env.home, 'config.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...settings, seed: { hardLinks: on } }));
}

/** The seeded repo and its twin without `seed` (both removed by the bench's cleanup). */
export function seedRepoNames(env: BenchEnv, app: RealApp): [string, string] {
  const repo = `${env.repo}-${app.name}-seed`;
  return [repo, `${repo}-none`];
}
