import type { BenchEnv } from './bench-env.js';
import { percentile } from './stats.js';
import { timedOk, timedRun } from './timed-run.js';

export interface CreateTiming {
  /** `dual create` alone. */
  create: number[];
  /** `dual create` started to the first `dual exec -- true` that succeeded. */
  toFirstExec: number[];
  p50: number;
  createP50: number;
}

/**
 * What an agent waits for before it can work in a new branch: `dual create` to the first
 * successful `dual exec`, on a warm image (built before the bench starts). Each run
 * destroys its workspace so the next one starts from the same state.
 */
export async function benchCreate(env: BenchEnv, branches: readonly string[]): Promise<CreateTiming> {
  const create: number[] = [];
  const toFirstExec: number[] = [];
  for (const branch of branches) {
    const id = env.id(branch);
    const started = performance.now();
    create.push(await timedOk(process.execPath, [env.dualBin, 'create', env.repo, branch], env.env));
    const deadline = started + 60_000;
    for (;;) {
      const run = await timedRun(process.execPath, [env.dualBin, 'exec', id, '--', 'true'], env.env);
      if (run.code === 0) break;
      if (performance.now() > deadline) throw new Error(`dual exec ${id} never succeeded: ${run.stderr.trim()}`);
    }
    toFirstExec.push(performance.now() - started);
    await env.dual('destroy', id, '--force');
  }
  return { create, toFirstExec, p50: percentile(toFirstExec, 50), createP50: percentile(create, 50) };
}
