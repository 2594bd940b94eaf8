import type { BenchEnv } from './bench-env.js';
import { percentile } from './stats.js';
import { timedOk } from './timed-run.js';

export interface Timing {
  label: string;
  samples: number[];
  p50: number;
  p90: number;
}

const WARMUP = 3;
const RUNS = 30;

/**
 * `dual exec <ws> -- true` against `docker exec <container> true` and `node -e 0` (the floor
 * any Node CLI pays). Interleaved, so drift on a shared machine hits all three alike.
 */
export async function benchExec(env: BenchEnv, id: string): Promise<Timing[]> {
  const commands: Array<[string, string, string[], NodeJS.ProcessEnv | undefined]> = [
    ['`node -e 0` (floor)', process.execPath, ['-e', '0'], undefined],
    ['`docker exec <ctr> true`', env.docker, ['exec', `dual-${id}`, 'true'], undefined],
    ['`dual exec <ws> -- true`', process.execPath, [env.dualBin, 'exec', id, '--', 'true'], env.env],
  ];
  const samples = commands.map(() => [] as number[]);
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (const [i, [, command, args, extra]] of commands.entries()) {
      const ms = await timedOk(command, args, extra);
      if (round >= WARMUP) samples[i]!.push(ms);
    }
  }
  return commands.map(([label], i) => ({ label, samples: samples[i]!, p50: percentile(samples[i]!, 50), p90: percentile(samples[i]!, 90) }));
}
