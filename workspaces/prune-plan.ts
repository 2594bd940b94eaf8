import { LABEL } from '../src/model/labels.js';

interface Labelled {
  labels: Record<string, string>;
}

/**
 * Prune's orphan rules, on what the engine listed for this DUAL_HOME: an attached container
 * whose workspace container is gone, and a volume labelled with a workspace that has no
 * container left (attached orphans do not count: they go too). Pure: prune.ts lists, locks
 * and removes.
 */
export function findOrphans<C extends Labelled & { id: string }, V extends Labelled>(
  containers: readonly C[],
  volumes: readonly V[],
): { attached: C[]; volumes: V[]; liveContainerIds: Set<string> } {
  const workspaceIds = new Set(containers.filter((c) => !(LABEL.attached in c.labels)).map((c) => c.labels[LABEL.workspace]));
  const attached = containers.filter((c) => LABEL.attached in c.labels && !workspaceIds.has(c.labels[LABEL.workspace]));
  const remaining = containers.filter((c) => !attached.includes(c));
  const remainingIds = new Set(remaining.map((c) => c.labels[LABEL.workspace]));
  return {
    attached,
    volumes: volumes.filter((v) => !remainingIds.has(v.labels[LABEL.workspace])),
    liveContainerIds: new Set(remaining.map((c) => c.id)),
  };
}
