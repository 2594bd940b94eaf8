import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { HomePaths } from '../src/adapters/config/home.js';
import { writeJsonAtomic } from '../src/adapters/atomic-file.js';

export { writeJsonAtomic };

/** What a running proxy tells `dual proxy status`: written by the proxy whenever it changes. */
export interface ProxyState {
  pid: number;
  ports: number[];
  bind: string[];
  upstream: string;
  startedAt: string;
  log?: string;
  /** Listeners that could not open, with the process holding the port where known. */
  problems?: string[];
  /** `systemd` or `launchd` when a login service runs it (`dual proxy install`). */
  service?: string;
}

export function stateFile(paths: HomePaths): string {
  return join(paths.run, 'proxy-state.json');
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export const writeState = (file: string, state: ProxyState): void => writeJsonAtomic(file, state);
export const readState = (file: string): ProxyState | undefined => readJson<ProxyState>(file);

export function removeState(file: string, pid: number): void {
  if (readState(file)?.pid === pid) rmSync(file, { force: true });
}
