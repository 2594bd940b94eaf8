import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A tool on PATH, else at one of `fallbacks` (nginx lives in /usr/sbin, often not on a user's PATH). */
export function findTool(name: string, fallbacks: readonly string[]): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  return fallbacks.find((path) => existsSync(path));
}

export { freePort } from '../test/helpers/processes.js';
