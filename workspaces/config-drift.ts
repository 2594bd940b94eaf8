import type { DualJson } from '../src/config/dual-json.js';
import { DUAL_JSON } from '../src/config/dual-json.js';
import { LABEL } from '../src/labels.js';

/**
 * `.dual.json` is read from the workspace's own worktree when its container is made; a later
 * edit (new ports, another start command) cannot reach a running container. The settings that
 * shape the container are recorded in the `dual.config` label, so start/restart/create can say
 * which ones changed instead of silently running the old ones.
 */
const SHAPING_KEYS = ['ports', 'start', 'env', 'volumes', 'hostHeader', 'trustHostCA', 'npmCache'] as const;

export function configLabel(config: DualJson): string {
  return JSON.stringify(Object.fromEntries(SHAPING_KEYS.map((key) => [key, config[key] ?? null])));
}

/** Keys whose value differs between the container's label and the current config (empty = in sync or unknown). */
export function changedKeys(labels: Record<string, string>, config: DualJson): string[] {
  const recorded = labels[LABEL.config];
  if (!recorded) return [];
  let before: Record<string, unknown>;
  try {
    before = JSON.parse(recorded) as Record<string, unknown>;
  } catch {
    return [];
  }
  const now = JSON.parse(configLabel(config)) as Record<string, unknown>;
  return SHAPING_KEYS.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(now[key]));
}

export function driftWarning(id: string, repo: string, branch: string, keys: string[]): string {
  return (
    `dual: warning: ${DUAL_JSON} changed since the container of ${id} was made (${keys.join(', ')}); it keeps the old settings ` +
    `until recreated: \`dual destroy ${id}\` then \`dual create ${repo} ${branch}\` (the branch is kept)`
  );
}
