import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HomePaths } from '../src/config/home.js';

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
}

export function stateFile(paths: HomePaths): string {
  return join(paths.run, 'proxy-state.json');
}

export function writeState(file: string, state: ProxyState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state)}\n`);
  renameSync(temp, file);
}

export function readState(file: string): ProxyState | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProxyState;
  } catch {
    return undefined;
  }
}

export function removeState(file: string, pid: number): void {
  if (readState(file)?.pid === pid) rmSync(file, { force: true });
}
