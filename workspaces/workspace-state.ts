import type { SetupState } from '../src/model/setup-state.js';

/**
 * What `dual list` and `dual status` call a workspace's state. "running" means serving: the
 * container runs, its setup succeeded, and every declared port answers. Pure, so the rules
 * are unit-tested.
 */
export interface StateFacts {
  /** Docker's container state: running, exited, created, ... */
  container: string;
  /** The container runs dual's entry script with a setup command. */
  hasSetup: boolean;
  setup: SetupState;
  /** Per declared port; undefined when not probed. */
  ports?: Array<{ port: number; listening: boolean }>;
  /** Stopped by idle sleep (state/sleeping marker): woken by a request, unlike a user's stop. */
  sleeping?: boolean;
}

export function describeState(facts: StateFacts): string {
  if (facts.container !== 'running') return facts.sleeping ? 'sleeping' : facts.container;
  if (facts.hasSetup) {
    if (facts.setup.kind === 'failed') return `setup failed (exit ${facts.setup.exitCode})`;
    if (facts.setup.kind === 'running' || facts.setup.kind === 'pending') return 'setting up';
  }
  const silent = (facts.ports ?? []).filter((p) => !p.listening).map((p) => p.port);
  return silent.length === 0 ? 'running' : `running (${silent.join(', ')} not listening)`;
}

/** The setup part of the state for JSON: none, pending, running, ok, failed (+ exit code), unknown. */
export function setupSummary(hasSetup: boolean, setup: SetupState): { state: string; exitCode?: number } {
  if (!hasSetup) return { state: 'none' };
  return setup.kind === 'failed' ? { state: 'failed', exitCode: setup.exitCode } : { state: setup.kind };
}

// Read by the proxy too (the dashboard's 'setting up'), so it lives beside the setup state in src/.
export { containerHasSetup } from '../src/model/setup-state.js';
