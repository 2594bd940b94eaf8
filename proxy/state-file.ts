import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HomePaths } from '../src/adapters/config/home.js';

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

/** Write to a temp file and rename: a reader never sees half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(value)}\n`);
  renameSync(temp, file);
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
