import { join } from 'node:path';
import type { HomePaths } from '../src/adapters/config/home.js';
import { readJson, writeJsonAtomic } from './state-file.js';

/** What the supervisor tells `dual proxy status` and `dual proxy start`: written on every change. */
export interface SupervisorState {
  /** The supervisor's own pid. */
  pid: number;
  startedAt: string;
  /** The proxy process it runs now; absent between a death and the restart. */
  proxyPid?: number;
  /** The current proxy has said it listens. */
  ready: boolean;
  /** Restarts after the proxy died (a kill -9, a crash). */
  restarts: number;
  lastExit?: { code: number | null; signal: string | null; at: string; uptimeMs: number };
  /** Set when the supervisor has ended: why (stopped, gave up, the proxy could not start). */
  ended?: string;
}

export function supervisorStateFile(paths: HomePaths): string {
  return join(paths.run, 'proxy-supervisor.json');
}

export function supervisorPidFile(paths: HomePaths): string {
  return join(paths.run, 'proxy-supervisor.pid');
}

export const writeSupervisorState = (file: string, state: SupervisorState): void => writeJsonAtomic(file, state);
export const readSupervisorState = (file: string): SupervisorState | undefined => readJson<SupervisorState>(file);
