/**
 * The one word the dashboard shows for a workspace, from what the proxy knows about it.
 * Pure. New states slot in here: add the fact, a branch in `workspaceStatus`, and a row in
 * STATUS_TEXT; the page styles each by its `data-status` attribute.
 */
export type WorkspaceStatus =
  /** Running and every declared port answers. */
  | 'serving'
  /** Running, some ports answer and some do not. */
  | 'partly-serving'
  /** Running, but no declared port answers (the dev server is down or still starting). */
  | 'not-listening'
  /** Running; its ports have not been probed yet. */
  | 'checking'
  /** Setup (e.g. `npm ci`) is running; the dev server starts after it. */
  | 'setting-up'
  /** Setup (e.g. `npm ci`) failed: the dev server never started. */
  | 'setup-failed'
  /** Stopped by idle sleep; a request wakes it. */
  | 'sleeping'
  | 'stopped'
  | 'paused'
  | 'restarting'
  | 'dead';

export interface StatusFacts {
  /** Docker's container state: running, exited, created, paused, restarting, dead. */
  containerState: string;
  /** Per declared port: answers (true), refuses (false), not probed yet (undefined). */
  portsAnswer: ReadonlyArray<boolean | undefined>;
  setupFailed?: boolean;
  setupRunning?: boolean;
  sleeping?: boolean;
}

export function workspaceStatus(facts: StatusFacts): WorkspaceStatus {
  if (facts.setupFailed) return 'setup-failed';
  switch (facts.containerState) {
    case 'running':
      break;
    case 'paused':
    case 'restarting':
    case 'dead':
      return facts.containerState;
    default:
      return facts.sleeping ? 'sleeping' : 'stopped';
  }
  if (facts.setupRunning) return 'setting-up';
  const answers = facts.portsAnswer;
  if (answers.length === 0) return 'serving';
  if (answers.some((a) => a === undefined)) return 'checking';
  const up = answers.filter((a) => a === true).length;
  if (up === answers.length) return 'serving';
  return up === 0 ? 'not-listening' : 'partly-serving';
}

/** Label and a sentence for each state: the page shows both (the sentence as a tooltip and for screen readers). */
export const STATUS_TEXT: Record<WorkspaceStatus, { name: string; detail: string }> = {
  serving: { name: 'serving', detail: 'running; every port answers' },
  'partly-serving': { name: 'partly serving', detail: 'running; some ports do not answer' },
  'not-listening': { name: 'nothing listening', detail: 'running, but no port answers: the dev server is down or still starting' },
  checking: { name: 'checking', detail: 'running; ports not checked yet' },
  'setting-up': { name: 'setting up', detail: 'setup (e.g. npm ci) is running; the dev server starts after it' },
  'setup-failed': { name: 'setup failed', detail: 'setup failed, so the dev server was not started; run dual create again to retry' },
  sleeping: { name: 'sleeping', detail: 'stopped while idle; a request to its URL wakes it' },
  stopped: { name: 'stopped', detail: 'the container is stopped' },
  paused: { name: 'paused', detail: 'the container is paused' },
  restarting: { name: 'restarting', detail: 'Docker is restarting the container' },
  dead: { name: 'dead', detail: 'Docker could not stop or remove the container' },
};
