import { realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { DualError } from '../../model/errors.js';
import type { BranchSource, Git, WorktreeEntry, WorktreeSummary } from './git.js';

/**
 * Every host git call runs with these on top of the repo's config (command-line config wins):
 * no hook, no fsmonitor daemon, no recursion into submodules (whose git dirs a workspace
 * could have made). dual's calls never need them, and a branch must not reach them
 * (SPEC.md, "Threat model"). simple-git also drops ambient GIT_* variables (GIT_DIR...).
 */
const HOST_GIT_CONFIG = ['core.hooksPath=/dev/null', 'core.fsmonitor=false', 'submodule.recurse=false'];

/** Git over simple-git (which spawns git with an argv, never a shell string). */
export class SimpleGitAdapter implements Git {
  private at(dir: string, trimmed = true): SimpleGit {
    return simpleGit({
      baseDir: dir,
      trimmed,
      config: HOST_GIT_CONFIG,
      // Setting these two to safe values is what simple-git's guard asks to be allowed.
      unsafe: { allowUnsafeHooksPath: true, allowUnsafeFsMonitor: true },
      // Done at the child's close event; simple-git 3 defaults to also waiting 50 ms after exit, which measured as ~50 ms per call here.
      completion: { onClose: true, onExit: false },
    });
  }

  async mainWorktree(path: string): Promise<string | undefined> {
    try {
      const common = await this.commonDir(path);
      const entries = await this.listWorktrees(path);
      // The first entry of `git worktree list` is always the main worktree.
      return entries[0]?.path ?? resolve(common, '..');
    } catch {
      return undefined;
    }
  }

  async commonDir(path: string): Promise<string> {
    const out = await this.at(path).raw(['rev-parse', '--git-common-dir']);
    const dir = out.trim();
    return realpathSync(isAbsolute(dir) ? dir : resolve(path, dir));
  }

  async checkBranchName(repo: string, branch: string): Promise<string | undefined> {
    try {
      await this.at(repo).raw(['check-ref-format', '--branch', branch]);
      return undefined;
    } catch {
      return `'${branch}' is not a valid git branch name`;
    }
  }

  async listWorktrees(repo: string): Promise<WorktreeEntry[]> {
    const out = await this.at(repo).raw(['worktree', 'list', '--porcelain']);
    const entries: WorktreeEntry[] = [];
    let current: WorktreeEntry | undefined;
    for (const line of out.split('\n')) {
      if (line.startsWith('worktree ')) {
        current = { path: line.slice('worktree '.length), head: '', bare: false };
        entries.push(current);
      } else if (current && line.startsWith('HEAD ')) current.head = line.slice(5);
      else if (current && line.startsWith('branch ')) current.branch = line.slice(7).replace(/^refs\/heads\//, '');
      else if (current && line === 'bare') current.bare = true;
    }
    return entries;
  }

  async branchSource(repo: string, branch: string, from?: string): Promise<BranchSource> {
    if (await this.branchHead(repo, branch)) return { kind: 'local' };
    const remotes = await this.at(repo).raw(['for-each-ref', '--format=%(refname:short)', `refs/remotes/*/${branch}`]);
    const first = remotes.split('\n').find((r) => r.length > 0);
    if (first && !from) return { kind: 'remote', remoteRef: first };
    const startPoint = from ?? 'HEAD';
    try {
      await this.at(repo).raw(['rev-parse', '--verify', '--quiet', `${startPoint}^{commit}`]);
    } catch {
      throw new DualError(`cannot start branch '${branch}' from '${startPoint}': no such commit in ${repo}`);
    }
    return { kind: 'new', startPoint };
  }

  async addWorktree(repo: string, path: string, branch: string, source: BranchSource): Promise<void> {
    const args =
      source.kind === 'local'
        ? ['worktree', 'add', '--quiet', path, branch]
        : source.kind === 'remote'
          ? ['worktree', 'add', '--quiet', '--track', '-b', branch, path, source.remoteRef]
          : ['worktree', 'add', '--quiet', '--no-track', '-b', branch, path, source.startPoint];
    try {
      await this.at(repo).raw(args);
    } catch (error) {
      // `worktree add -b` creates the branch before checking out; a checkout that fails (disk
      // full, path taken) would leave a branch nobody asked for. It did not exist before.
      if (source.kind !== 'local' && (await this.branchHead(repo, branch))) await this.deleteBranch(repo, branch).catch(() => undefined);
      throw new DualError(`git worktree add failed: ${firstLine((error as Error).message)}`);
    }
  }

  async removeWorktree(repo: string, path: string): Promise<void> {
    // --force twice also removes a locked worktree; dual checked for uncommitted work before.
    await this.at(repo).raw(['worktree', 'remove', '--force', '--force', path]);
  }

  async pruneWorktrees(repo: string): Promise<void> {
    await this.at(repo).raw(['worktree', 'prune']);
  }

  async deleteBranch(repo: string, branch: string): Promise<void> {
    await this.at(repo).raw(['branch', '-D', '--', branch]);
  }

  async branchHead(repo: string, branch: string): Promise<string | undefined> {
    try {
      const sha = await this.at(repo).raw(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
      return sha.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  async uncommittedChanges(worktree: string): Promise<string[]> {
    // --no-optional-locks: reading must not rewrite the index of a worktree a container uses.
    // Untrimmed: the first line's leading space is part of its status (` M file`).
    const out = await this.at(worktree, false).raw(['--no-optional-locks', 'status', '--porcelain', '--untracked-files=normal', '--ignore-submodules=all']);
    return out.split('\n').filter((l) => l.length > 0);
  }

  async ignoredFiles(worktree: string): Promise<string[]> {
    const out = await this.at(worktree).raw([
      '--no-optional-locks', 'ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '--no-empty-directory',
    ]);
    return out.split('\n').filter((l) => l.length > 0);
  }

  async commitsOnlyOn(repo: string, branch: string): Promise<string[]> {
    const out = await this.at(repo).raw([
      'log', '--format=%h %s', `refs/heads/${branch}`, '--not', `--exclude=${branch}`, '--branches', '--tags', '--remotes',
    ]);
    return out.split('\n').filter((l) => l.length > 0);
  }

  async worktreeSummary(worktree: string): Promise<WorktreeSummary> {
    // --no-optional-locks: `git status` would otherwise refresh the index under index.lock and
    // could make the user's own `git commit` in that worktree fail at the same moment.
    const git = this.at(worktree);
    const [log, status] = await Promise.all([
      git.raw(['--no-optional-locks', 'log', '-1', '--format=%h%x00%ct%x00%s']).catch(() => ''),
      git.raw(['--no-optional-locks', 'status', '--porcelain', '--untracked-files=normal', '--ignore-submodules=all']),
    ]);
    const [sha, time, ...subject] = log.split('\0');
    const head = sha ? { sha, subject: subject.join('\0'), committedAt: Number(time) } : undefined;
    return { head, changes: status.split('\n').filter((l) => l.length > 0).length };
  }
}

function firstLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => l.startsWith('fatal:')) ?? lines[0] ?? 'unknown error').replace(/^fatal:\s*/, '');
}
