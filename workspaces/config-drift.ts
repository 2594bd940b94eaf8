import type { WorkspaceConfig } from '../src/adapters/config/dual-json.js';
import { DUAL_JSON } from '../src/adapters/config/dual-json.js';
import { LABEL } from '../src/model/labels.js';
import { ENTRY_PROTOCOL } from './entry.js';

/**
 * `.dual.json` is read from the workspace's own worktree when its container is made; a later
 * edit (new ports, another start command) cannot reach a running container. The settings that
 * shape the container are recorded in the `dual.config` label, so start/restart/create can
 * tell which ones changed and recreate the container (keeping worktree, volumes and attached
 * containers) instead of silently running the old ones.
 */
const SHAPING_KEYS = ['image', 'ports', 'start', 'setup', 'env', 'volumes', 'hostHeader', 'attached', 'trustHostCA', 'npmCache', 'idle'] as const;

/** Shown instead of a key when the container was made by a dual whose entry protocol differs. */
export const OLDER_DUAL = 'made by another dual version';

export function configLabel(config: WorkspaceConfig): string {
  return JSON.stringify(Object.fromEntries(SHAPING_KEYS.map((key) => [key, config[key] ?? null])));
}

/** Keys whose value differs between the container's label and the current config (empty = in sync or unknown). */
export function changedKeys(labels: Record<string, string>, config: WorkspaceConfig): string[] {
  const recorded = labels[LABEL.config];
  if (!recorded) return [];
  let before: Record<string, unknown>;
  try {
    before = JSON.parse(recorded) as Record<string, unknown>;
  } catch {
    return [];
  }
  const now = JSON.parse(configLabel(config)) as Record<string, unknown>;
  return SHAPING_KEYS.filter((key) => JSON.stringify(before[key] ?? null) !== JSON.stringify(now[key]));
}

export interface RecreateDecision {
  recreate: boolean;
  /** Why: the changed keys, OLDER_DUAL, or 'requested' for `dual recreate`. */
  reasons: string[];
}

/**
 * Whether start/restart/create must replace the container: a container-shaping key changed,
 * or the container predates dual's entry script (its main process would run start before
 * setup). `force` is `dual recreate`.
 */
export function decideRecreate(labels: Record<string, string>, config: WorkspaceConfig, force = false): RecreateDecision {
  const reasons = changedKeys(labels, config);
  if (labels[LABEL.entry] !== ENTRY_PROTOCOL) reasons.push(OLDER_DUAL);
  if (reasons.length > 0) return { recreate: true, reasons };
  return force ? { recreate: true, reasons: ['requested'] } : { recreate: false, reasons: [] };
}

export function recreateMessage(id: string, reasons: string[]): string {
  if (reasons.length === 1 && reasons[0] === 'requested') {
    return `dual: recreating the container of ${id} (worktree, volumes and attached containers are kept)`;
  }
  const what = reasons.filter((r) => r !== OLDER_DUAL);
  const changed = what.length > 0 ? `${DUAL_JSON} changed (${what.join(', ')})` : '';
  const older = reasons.includes(OLDER_DUAL) ? `it was ${OLDER_DUAL}` : '';
  return `dual: ${[changed, older].filter(Boolean).join(' and ')}: recreating the container of ${id} (worktree, volumes and attached containers are kept)`;
}
