import { DualError } from '../../src/model/errors.js';

/** Docker refuses memory limits under 6 MiB; saying so here gives a clearer message. */
const MIN_MEMORY_BYTES = 6 * 1024 * 1024;
const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Docker-style sizes: `512m`, `1.5g`, `65536` (bytes). */
export function parseMemory(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([bkmg]?)$/i.exec(text.trim());
  if (!match) throw new DualError(`memory '${text}' is not a size; use a number with b, k, m or g (e.g. 512m)`);
  const bytes = Math.floor(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
  if (bytes < MIN_MEMORY_BYTES) throw new DualError(`memory '${text}' is below Docker's minimum of 6m; give at least 6m`);
  return bytes;
}

/** CPUs as a decimal (`1.5`) -> Docker's NanoCpus. */
export function parseCpus(value: string | number): number {
  const cpus = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(cpus) || cpus < 0.01) throw new DualError(`cpus '${value}' must be a number of at least 0.01 (e.g. 1.5)`);
  return Math.round(cpus * 1e9);
}
