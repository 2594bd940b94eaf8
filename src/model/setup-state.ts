import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { LABEL } from './labels.js';

/**
 * A workspace container runs its `setup` itself, before `start` (workspaces/entry.ts), and
 * records how far it got in a one-line file in a directory dual owns on the host and
 * bind-mounts into that container only. The workspace manager and the proxy read it to tell
 * "setting up" and "setup failed (exit N)" from "running".
 *
 * Everything in that file was written by a container running a branch's code, so it is
 * read as untrusted: no symlinks followed, no FIFO waited on, at most a few bytes, and a
 * strict grammar; anything else reads as 'unknown'.
 */
export type SetupState =
  | { kind: 'pending' } // no record yet: the container has not reached setup
  | { kind: 'running' }
  | { kind: 'ok' }
  | { kind: 'failed'; exitCode: number }
  | { kind: 'unknown' }; // unreadable or malformed

/** Where the directory appears inside the workspace container. */
export const SETUP_STATE_MOUNT = '/run/dual-state';
export const SETUP_STATE_FILE = 'setup';
/**
 * While this file exists in the state directory the entry script waits before setup (bounded):
 * `dual create` starts the container first and copies local files and seeds meanwhile, so
 * the engine's start and the copies overlap.
 */
export const SETUP_HOLD_FILE = 'hold';

/** The host directory of one workspace's state: $DUAL_HOME/state/workspaces/<id>. */
export function setupStateDir(home: string, workspaceId: string): string {
  return join(home, 'state', 'workspaces', workspaceId);
}

const MAX_BYTES = 64;

export function parseSetupState(text: string): SetupState {
  const match = /^(running|ok|failed ([0-9]{1,3}))\n?$/.exec(text);
  if (!match) return { kind: 'unknown' };
  if (match[1] === 'running') return { kind: 'running' };
  if (match[1] === 'ok') return { kind: 'ok' };
  const exitCode = Number(match[2]);
  return exitCode >= 1 && exitCode <= 255 ? { kind: 'failed', exitCode } : { kind: 'unknown' };
}

export function readSetupState(dir: string): SetupState {
  let fd: number;
  try {
    // O_NOFOLLOW: a symlink planted by the container is not followed to a host file.
    // O_NONBLOCK: a FIFO planted there does not hang the reader.
    fd = openSync(join(dir, SETUP_STATE_FILE), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'pending' } : { kind: 'unknown' };
  }
  try {
    if (!fstatSync(fd).isFile()) return { kind: 'unknown' };
    const buffer = Buffer.alloc(MAX_BYTES + 1);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    if (length > MAX_BYTES) return { kind: 'unknown' };
    return parseSetupState(buffer.subarray(0, length).toString('latin1'));
  } catch {
    return { kind: 'unknown' };
  } finally {
    closeSync(fd);
  }
}

/** Does this container run setup in its entry script? Read from its own labels, never from the worktree (which may have changed). */
export function containerHasSetup(labels: Record<string, string>): boolean {
  if (!labels[LABEL.entry]) return false;
  try {
    const recorded = JSON.parse(labels[LABEL.config] ?? '{}') as { setup?: unknown };
    return typeof recorded.setup === 'string' && recorded.setup.length > 0;
  } catch {
    return false;
  }
}
