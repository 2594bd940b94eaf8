import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Workspace facts the workspace manager records as marker files under `$DUAL_HOME/state`
 * (Docker has no word for them): setup failed for this container, stopped by idle sleep.
 * Read per snapshot: a handful of stat calls, no cache that could go stale.
 */
export interface MarkerFacts {
  setupFailed?: { exitCode?: number };
  sleeping: boolean;
}

export function readMarkers(stateDir: string, containerId: string): MarkerFacts {
  const failed = join(stateDir, 'setup-failed', containerId);
  let setupFailed: MarkerFacts['setupFailed'];
  if (existsSync(failed)) {
    const code = Number.parseInt(safeRead(failed), 10);
    setupFailed = Number.isInteger(code) ? { exitCode: code } : {};
  }
  return { setupFailed, sleeping: existsSync(join(stateDir, 'sleeping', containerId)) };
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}
