import { DualError } from '../../model/errors.js';
import { isSleeping, touchActivity } from '../../model/sleep-state.js';
import type { Workspace } from '../../model/workspace.js';
import { EXEC_OWN_ERROR } from './exec-failure.js';

/**
 * `dual exec` into a workspace put to sleep wakes it first, the way a request does. Only this
 * rare path leaves the lean exec bundle: it runs `dual start <id>` (the workspace manager:
 * lock, attached containers, ports awaited) as a child, its output on stderr so the command's
 * stdout stays the command's. A workspace the user stopped stays an error.
 */
export async function wakeIfSleeping(stateDir: string, workspace: Workspace): Promise<boolean> {
  if (workspace.running || !workspace.containerId || !isSleeping(stateDir, workspace.containerId)) return false;
  process.stderr.write(`dual: waking ${workspace.id} (put to sleep while idle)\n`);
  // Used from now on: the idle sweep must not put it back to sleep while it wakes.
  touchActivity(stateDir, workspace.id);
  // Loaded here, on this rare path: node:child_process costs milliseconds every `dual exec` would pay.
  const { spawn } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  const code = await new Promise<number | null>((resolve) => {
    // argv[1] is bin/dual.js: this bundle is only ever loaded by it.
    const child = spawn(process.execPath, [process.argv[1]!, 'start', workspace.id], { stdio: ['ignore', 2, 'inherit'] });
    child.once('error', () => resolve(null));
    child.once('close', resolve);
  });
  if (code !== 0) throw new DualError(`could not wake ${workspace.id}; see \`dual logs ${workspace.id}\``, EXEC_OWN_ERROR);
  return true;
}

/**
 * Tells the proxy's idle sweep the workspace is in use: once now and once at the end (a
 * running exec is also seen by the sweep itself, through the engine's list of running execs).
 */
export function recordExecActivity(stateDir: string, workspaceId: string): () => void {
  touchActivity(stateDir, workspaceId);
  return () => touchActivity(stateDir, workspaceId);
}
