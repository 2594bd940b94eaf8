import { join } from 'node:path';
import { readSetupState } from '../../src/model/setup-state.js';
import { isSleeping } from '../../src/model/sleep-state.js';

/**
 * Workspace facts the workspace manager records as marker files under `$DUAL_HOME/state`
 * (Docker has no word for them): setup failed (the entry script's record), stopped by idle sleep.
 * Read per snapshot: a handful of stat calls, no cache that could go stale.
 */
export interface MarkerFacts {
  setupFailed?: { exitCode?: number };
  /** The entry script has not recorded a setup outcome yet (only meaningful for a container that runs setup). */
  setupUnfinished?: boolean;
  sleeping: boolean;
}

export function readMarkers(stateDir: string, containerId: string, workspaceId: string): MarkerFacts {
  // The workspace container's entry script records its setup outcome (src/setup-state.ts).
  const setup = readSetupState(join(stateDir, 'workspaces', workspaceId));
  const setupFailed: MarkerFacts['setupFailed'] = setup.kind === 'failed' ? { exitCode: setup.exitCode } : undefined;
  const setupUnfinished = setup.kind === 'running' || setup.kind === 'pending';
  return { setupFailed, setupUnfinished, sleeping: isSleeping(stateDir, containerId) };
}
