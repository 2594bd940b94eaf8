/**
 * The git operations dual needs, behind a small interface (simple-git implements it in
 * simple-git-adapter.ts). Arguments are always passed as argv, never through a shell.
 */
export interface WorktreeEntry {
  path: string;
  /** Short branch name, or undefined when detached. */
  branch?: string;
  head: string;
  bare: boolean;
}

/** What the dashboard shows about a worktree: its last commit and how many paths changed. */
export interface WorktreeSummary {
  head?: { sha: string; subject: string; committedAt: number };
  /** Paths with uncommitted changes (tracked or untracked); 0 = clean. */
  changes: number;
}

export type BranchSource =
  | { kind: 'local' }
  | { kind: 'remote'; remoteRef: string }
  | { kind: 'new'; startPoint: string };

export interface Git {
  /** Top level of the repository containing `path` (its main worktree), or undefined if not in a repo. */
  mainWorktree(path: string): Promise<string | undefined>;
  /** Absolute common git directory (shared by all worktrees of a repo). */
  commonDir(path: string): Promise<string>;
  /** Undefined when valid; otherwise git's reason. */
  checkBranchName(repo: string, branch: string): Promise<string | undefined>;
  listWorktrees(repo: string): Promise<WorktreeEntry[]>;
  /** Where the branch comes from: an existing local branch, a remote branch to track, or a new one from HEAD. */
  branchSource(repo: string, branch: string, from?: string): Promise<BranchSource>;
  addWorktree(repo: string, path: string, branch: string, source: BranchSource): Promise<void>;
  removeWorktree(repo: string, path: string): Promise<void>;
  /** Forget worktrees whose folders were deleted by hand. */
  pruneWorktrees(repo: string): Promise<void>;
  deleteBranch(repo: string, branch: string): Promise<void>;
  branchHead(repo: string, branch: string): Promise<string | undefined>;
  /** `git status --porcelain` lines of a worktree (empty = clean). */
  uncommittedChanges(worktree: string): Promise<string[]>;
  /** Ignored files and directories (`dir/` when wholly ignored) of a worktree; empty directories are left out. */
  ignoredFiles(worktree: string): Promise<string[]>;
  /** Commits on `branch` that are on no other branch, tag or remote (lost if the branch were deleted). */
  commitsOnlyOn(repo: string, branch: string): Promise<string[]>;
  /** Last commit and change count, read without taking git's optional locks (a poller must not block the user's own git). */
  worktreeSummary(worktree: string): Promise<WorktreeSummary>;
}
