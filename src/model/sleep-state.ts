import { closeSync, mkdirSync, openSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { LABEL } from './labels.js';

/**
 * Idle sleep's two records under `$DUAL_HOME/state`, shared by the workspace manager, the
 * proxy and the lean `dual exec` (none of which imports another):
 *
 * - `sleeping/<container id>`: this container was stopped by idle sleep (`dual sleep`, the
 *   proxy's idle sweep), so a request or `dual exec` may start it again. A container stopped
 *   by the user has no marker and is never woken. Keyed by container id: a recreated
 *   container starts awake, and a marker can never apply to another home's container.
 * - `activity/<workspace id>`: its mtime is the last `dual exec` / `dual attached exec` into
 *   the workspace (requests are counted by the proxy in memory). Not under
 *   `state/workspaces/<id>`, which is mounted into the container: a branch cannot keep
 *   itself awake or forge a marker.
 */
function sleepingMarker(stateDir: string, containerId: string): string {
  return join(stateDir, 'sleeping', containerId);
}

export function isSleeping(stateDir: string, containerId: string): boolean {
  try {
    return statSync(sleepingMarker(stateDir, containerId)).isFile();
  } catch {
    return false;
  }
}

export function markSleeping(stateDir: string, containerId: string): void {
  mkdirSync(join(stateDir, 'sleeping'), { recursive: true });
  closeSync(openSync(sleepingMarker(stateDir, containerId), 'w'));
}

export function clearSleeping(stateDir: string, containerId: string): void {
  rmSync(sleepingMarker(stateDir, containerId), { force: true });
}

function activityFile(stateDir: string, workspaceId: string): string {
  return join(stateDir, 'activity', workspaceId);
}

/** Records "used now" (a touch: one utimes, or one create the first time). Never fails the caller. */
export function touchActivity(stateDir: string, workspaceId: string, now = new Date()): void {
  if (!/^[a-z0-9-]{1,63}$/.test(workspaceId)) return; // only ever a workspace id: never a path
  const file = activityFile(stateDir, workspaceId);
  try {
    utimesSync(file, now, now);
  } catch {
    try {
      mkdirSync(join(stateDir, 'activity'), { recursive: true });
      closeSync(openSync(file, 'a'));
      utimesSync(file, now, now);
    } catch {
      // Activity is a hint for idle sleep; a read-only home must not fail an exec.
    }
  }
}

/** Epoch ms of the last recorded exec, 0 when none. */
export function lastActivity(stateDir: string, workspaceId: string): number {
  try {
    return statSync(activityFile(stateDir, workspaceId)).mtimeMs;
  } catch {
    return 0;
  }
}

/** `.dual.json` `idle.stopAfterMinutes`, as recorded on the container; undefined = never sleeps. */
export function idleMinutes(labels: Record<string, string>): number | undefined {
  const value = labels[LABEL.idle];
  if (value === undefined || !/^[0-9]{1,6}$/.test(value)) return undefined;
  const minutes = Number(value);
  return minutes >= 1 ? minutes : undefined;
}

/** How an attached container's state reads in a table: one that went to sleep with its workspace is `sleeping`, not a failure. */
export function attachedStateShown(workspaceState: string, attachedState: string): string {
  return workspaceState === 'sleeping' && attachedState === 'exited' ? 'sleeping' : attachedState;
}
