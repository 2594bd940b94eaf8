import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ContainerSpec } from '../src/adapters/docker/engine.js';
import { DualError } from '../src/model/errors.js';
import type { Context } from '../src/adapters/context.js';

/**
 * What a workspace container sees of the repo's git directory (SPEC.md, "Threat model").
 *
 * A container must never be able to change what git runs on the host: the common dir's
 * `config`, `hooks/`, a `commondir` redirect, a worktree's `.git` pointer or its
 * `config.worktree` would all be read by the next git call on the host. So the common dir
 * is mounted read-only, and only what git writes while agents work is writable: `objects/`,
 * `refs/`, `logs/` and the worktree's own admin dir (HEAD, index). Config and hooks the
 * container may change (husky sets core.hooksPath) live in a private common dir P under
 * $DUAL_HOME/state/git/<id>/common: a copy of config and hooks plus symlinks to the shared
 * parts, and the admin dir's `commondir` file is overlaid (in the container only) to name P.
 */
export interface GitLayout {
  /** The repo's common git directory, from the registered repo (never from the worktree). */
  commonDir: string;
  /** The worktree's own git dir: <commonDir>/worktrees/<name>, or commonDir for the repo's main worktree. */
  gitDir: string;
  /** dual's private git files for this workspace on the host ($DUAL_HOME/state/git/<id>). */
  privateDir: string;
}

/** Parts of the common dir the private one links to: shared state that holds no code to run. */
const SHARED = ['objects', 'refs', 'logs', 'packed-refs', 'info', 'HEAD', 'worktrees', 'modules', 'shallow', 'lfs', 'remotes', 'branches'];

type Bind = ContainerSpec['binds'][number];

function gitPrivateDir(stateDir: string, id: string): string {
  return join(stateDir, 'git', id);
}

function isMainWorktree(layout: GitLayout): boolean {
  return layout.gitDir === layout.commonDir;
}

/** The layout of a workspace's worktree; the common dir comes from the registered repo. */
export async function gitLayout(ctx: Context, repoPath: string, worktree: string, id: string): Promise<GitLayout> {
  const layout = { commonDir: await ctx.git.commonDir(repoPath), gitDir: worktreeGitDir(worktree), privateDir: gitPrivateDir(ctx.paths.state, id) };
  checkLayout(layout, worktree);
  return layout;
}

/** Read without running git: `.git` is the main repo's directory or a `gitdir:` pointer file. */
function worktreeGitDir(worktree: string): string {
  const dotGit = join(worktree, '.git');
  const stat = lstatSync(dotGit, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return realpathSync(dotGit);
  const pointer = stat?.isFile() ? /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1] : undefined;
  if (!pointer) throw new DualError(`${worktree} is not a git worktree (no usable .git); remove it or recreate it with dual create`);
  return realpathSync(resolve(worktree, pointer.trim()));
}

/** A worktree's git dir must be the repo's own: anything else was redirected. */
export function checkLayout(layout: GitLayout, worktree: string): void {
  if (isMainWorktree(layout) || dirname(layout.gitDir) === join(layout.commonDir, 'worktrees')) return;
  throw new DualError(
    `the git directory of ${worktree} is ${layout.gitDir}, not one of ${layout.commonDir}; its .git file was changed, so dual will not use it (recreate the worktree with \`git worktree repair\` or remove it)`,
  );
}

/**
 * Creates on the host what the mounts need: the private common dir (fresh copies of config
 * and hooks) and the files that are mounted read-only (an empty config.worktree, logs/).
 */
export function prepareGitView(layout: GitLayout): void {
  const { commonDir, gitDir, privateDir } = layout;
  mkdirSync(join(commonDir, 'logs'), { recursive: true });
  if (isMainWorktree(layout)) return;
  rmSync(privateDir, { recursive: true, force: true });
  const common = join(privateDir, 'common');
  mkdirSync(join(common, 'hooks'), { recursive: true });
  copyFileSync(join(commonDir, 'config'), join(common, 'config'));
  if (existsSync(join(commonDir, 'hooks'))) cpSync(join(commonDir, 'hooks'), join(common, 'hooks'), { recursive: true });
  for (const name of SHARED) symlinkSync(join(commonDir, name), join(common, name));
  writeFileSync(join(privateDir, 'commondir'), `${common}\n`);
  // Read by host git when the user enables extensions.worktreeConfig: must exist to be mounted read-only.
  if (!existsSync(join(gitDir, 'config.worktree'))) writeFileSync(join(gitDir, 'config.worktree'), '');
}

/** The private files of a workspace made by this design; one made before it has none. */
export function requireGitView(layout: GitLayout, id: string): GitLayout {
  if (isMainWorktree(layout) || existsSync(join(layout.privateDir, 'commondir'))) return layout;
  throw new DualError(
    `workspace '${id}' was created by an older dual, before workspaces got their own git files; recreate it (\`dual destroy ${id}\`, then \`dual create\`) to give containers its worktree`,
  );
}

export function removeGitView(stateDir: string, id: string): void {
  rmSync(gitPrivateDir(stateDir, id), { recursive: true, force: true });
}

/** The bind mounts for the worktree and git, parents before children. */
export function gitViewBinds(worktree: string, layout: GitLayout): Bind[] {
  const { commonDir, gitDir, privateDir } = layout;
  const binds: Bind[] = [{ source: worktree, target: worktree }];
  if (!isMainWorktree(layout)) binds.push(ro(join(worktree, '.git')));
  binds.push(ro(commonDir));
  for (const name of ['objects', 'refs', 'logs']) binds.push(rw(join(commonDir, name)));
  if (isMainWorktree(layout)) return binds;
  binds.push(rw(gitDir));
  binds.push({ source: join(privateDir, 'commondir'), target: join(gitDir, 'commondir'), readOnly: true });
  binds.push(ro(join(gitDir, 'gitdir')), ro(join(gitDir, 'config.worktree')));
  binds.push(rw(join(privateDir, 'common')));
  return binds;
}

function ro(path: string): Bind {
  return { source: path, target: path, readOnly: true };
}

function rw(path: string): Bind {
  return { source: path, target: path };
}
