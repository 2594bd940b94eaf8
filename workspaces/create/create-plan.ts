import { join } from 'node:path';
import { DualError } from '../../src/model/errors.js';
import { LABEL } from '../../src/model/labels.js';

/** What `dual create` finds on the engine under the workspace's container name. */
export interface ExistingContainer {
  id: string;
  labels: Record<string, string>;
}

export interface CreateRequest {
  id: string;
  repo: string;
  branch: string;
  /** This installation's DUAL_HOME. */
  home: string;
  /** $DUAL_HOME/worktrees: worktrees dual made live below `<worktrees>/<repo>/`. */
  worktrees: string;
}

/**
 * fresh: nothing there yet. resume: the workspace exists; start it (and apply .dual.json
 * changes). remake: its worktree, one dual made, was deleted by hand; the container points
 * at a folder that is gone, so container and worktree are made again from the branch.
 */
export type CreatePlan =
  | { kind: 'fresh' }
  | { kind: 'resume'; containerId: string; worktree: string }
  | { kind: 'remake'; worktree: string };

/**
 * Decides what `dual create` does about an existing container of the same name. Refuses
 * (DualError) when the name belongs to another DUAL_HOME or to another repo/branch whose
 * id slugs the same.
 */
export function planCreate(existing: ExistingContainer | undefined, want: CreateRequest, worktreeExists: (path: string) => boolean): CreatePlan {
  if (!existing) return { kind: 'fresh' };
  const home = existing.labels[LABEL.home];
  if (home !== want.home) {
    throw new DualError(
      `workspace id '${want.id}' is taken on this Docker engine by another dual installation (DUAL_HOME=${home ?? 'unknown'}); use that DUAL_HOME, or another repo name (dual add --name)`,
    );
  }
  const holder = { repo: existing.labels[LABEL.repo], branch: existing.labels[LABEL.branch] };
  if (holder.repo !== want.repo || holder.branch !== want.branch) throw idTaken(want.id, `repo '${holder.repo}' branch '${holder.branch}'`);
  const worktree = existing.labels[LABEL.worktree] ?? '';
  if (!worktreeExists(worktree) && worktree.startsWith(join(want.worktrees, want.repo) + '/')) return { kind: 'remake', worktree };
  return { kind: 'resume', containerId: existing.id, worktree };
}

export function idTaken(id: string, holder: string): DualError {
  return new DualError(`workspace id '${id}' is already taken by ${holder}; use a branch name that differs in more than case or punctuation`);
}
