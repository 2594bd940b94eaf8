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
  const timings = commands.map(([label], i) => timing(label, samples[i]!));
  // dual exec's own cost: its wall time minus the Node start-up any Node CLI pays, per round
  // (the two ran back to back), compared below with docker exec's whole wall time.
  const overhead = samples[2]!.map((ms, round) => ms - samples[0]![round]!);
  return [...timings, timing('`dual exec` own overhead (its wall minus `node -e 0`, same round)', overhead)];
}

function timing(label: string, samples: number[]): Timing {
  return { label, samples, p50: percentile(samples, 50), p90: percentile(samples, 90) };
}
