import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedNpmCache } from '../test/real/real-app.js';
import { timedRun } from './timed-run.js';

/**
 * One bench run's world: a temp DUAL_HOME (the proxy is never auto-started: the bench
 * starts its own), a repo name unique to this run so cleanup can find everything by the
 * dual.repo label, and the checkout whose CLI is measured. scripts/bench.sh passes
 * BENCH_TMP and BENCH_REPO so its own exit trap can clean up even if Node is killed.
 */
export class BenchEnv {
  readonly checkout = process.env.DUAL_CHECKOUT ?? process.cwd();
  readonly root = process.env.BENCH_TMP ?? mkdtempSync(join(tmpdir(), 'dual-bench-'));
  readonly home = join(this.root, 'home');
  readonly repo = process.env.BENCH_REPO ?? `bench-${randomBytes(3).toString('hex')}`;
  readonly dualBin = join(this.checkout, 'bin', 'dual.js');
  readonly docker = process.env.DOCKER_CLI ?? '/usr/bin/docker';

  constructor() {
    mkdirSync(this.home, { recursive: true });
    // The npm cache the real-app tests keep: the real-app rows are for a warm cache.
    writeFileSync(join(this.home, 'config.json'), JSON.stringify({ proxy: { autoStart: false }, npmCache: sharedNpmCache() }));
  }

  get env(): NodeJS.ProcessEnv {
    return { DUAL_HOME: this.home };
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  id(branch: string): string {
    return `${this.repo}-${branch}`;
  }

  /** Runs the real CLI; a non-zero exit is a bench failure with dual's own message. */
  async dual(...args: string[]): Promise<void> {
    const run = await timedRun(process.execPath, [this.dualBin, ...args], this.env);
    if (run.code !== 0) throw new Error(`dual ${args.join(' ')} exited ${run.code}: ${run.stderr.trim()}`);
  }
}
