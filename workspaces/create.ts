import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkspaceConfig } from '../src/adapters/config/dual-json.js';
import { DualError } from '../src/model/errors.js';
import { homeFilters, LABEL } from '../src/model/labels.js';
import { branchSlug, containerName, workspaceId } from '../src/model/naming.js';
import type { Context } from '../src/adapters/context.js';
import { workspaceContainerSpec, workspaceVolumes, type WorkspaceIdentity } from './container-spec.js';
import { startDeclaredAttached } from './attached/declared.js';
import { awaitReady, startAndAwait, type ReadyOptions } from './bring-up.js';
import { gitLayout, prepareGitView, removeGitView } from './git-view.js';
import { hostShares } from './host-shares.js';
import { giveVolumesToUser, hostUser } from './host-user.js';
import { requireLocalEngine } from './engine-locality.js';
import { ensureImage } from './image.js';
import { ensureWorkspaceNetwork } from './network.js';
import { withLock } from './locks.js';
import { DEFAULT_PORT_TIMEOUT_SECONDS } from './port-wait.js';
import { recreateIfChanged } from './recreate.js';
import { getRepo } from './repos.js';
import { Rollback } from './rollback.js';
import { workspaceConfig } from './volume-default.js';
import { removeSetupState, resetSetupState } from './setup.js';
import { undoWorktree } from './undo-worktree.js';
import { workspaceUrls } from '../src/model/workspace.js';
import { urlScheme } from '../src/adapters/tls/trust-record.js';

export interface CreateOptions {
  repo: string;
  branch: string;
  image?: string;
  /** Start point for a new branch (default: the repo's HEAD). */
  from?: string;
  /** Seconds to wait for every port to answer after start (default 120; 0 = do not wait). */
  portTimeoutSeconds?: number;
}

export interface CreateResult {
  id: string;
  repo: string;
  branch: string;
  worktree: string;
  containerId: string;
  urls: string[];
  /** True when the workspace already existed and create only made sure it was started and set up. */
  existed: boolean;
  config: WorkspaceConfig;
}

/**
 * `dual create <repo> <branch>`: worktree + container; the container's main process runs
 * setup (streamed here), then start; create returns once every port answers. Idempotent:
 * run again, it starts an existing workspace, reruns a setup that failed, and recreates the
 * container when its `.dual.json` changed. A failure before the container runs rolls back
 * everything this run made (worktree, branch it created, volumes, container); from then on
 * the workspace is kept (a failed setup shows in `dual list`, and create again retries it).
 */
export async function createWorkspace(ctx: Context, options: CreateOptions): Promise<CreateResult> {
  const repo = getRepo(ctx, options.repo);
  const nameProblem = await ctx.git.checkBranchName(repo.path, options.branch);
  if (nameProblem) throw new DualError(`${nameProblem}; choose another branch name`);
  const id = workspaceId(repo.name, options.branch);
  await ctx.docker.ping();
  await requireLocalEngine(ctx);

  return withLock(ctx.paths.locks, `ws-${id}`, async () => {
    const existing = await ctx.docker.inspectContainer(containerName(id));
    if (existing && existing.labels[LABEL.home] !== ctx.paths.home) {
      throw new DualError(
        `workspace id '${id}' is taken on this Docker engine by another dual installation (DUAL_HOME=${existing.labels[LABEL.home] ?? 'unknown'}); use that DUAL_HOME, or another repo name (dual add --name)`,
      );
    }
    if (existing) {
      const holder = { repo: existing.labels[LABEL.repo], branch: existing.labels[LABEL.branch] };
      if (holder.repo !== repo.name || holder.branch !== options.branch) {
        throw collision(id, `repo '${holder.repo}' branch '${holder.branch}'`);
      }
      const worktree = existing.labels[LABEL.worktree] ?? '';
      if (!existsSync(worktree) && worktree.startsWith(join(ctx.paths.worktrees, repo.name) + '/')) {
        // Deleted by hand: the container's mounts point at a folder that is gone, and its
        // .dual.json is the branch's, so worktree and container are made again from the branch.
        ctx.log(`dual: the worktree ${worktree} was deleted; making it again from branch '${options.branch}' with a new container (volumes are kept)`);
        await removeContainers(ctx, id);
        await ctx.git.pruneWorktrees(repo.path);
        return createFresh(ctx, repo, options, id);
      }
      return resumeExisting(ctx, existing.id, existing.labels, repo, options.branch, id, options);
    }
    return createFresh(ctx, repo, options, id);
  });
}

/** The workspace's containers, attached ones first (they live in its network namespace); volumes stay. */
async function removeContainers(ctx: Context, id: string): Promise<void> {
  const containers = await ctx.docker.listContainers(homeFilters(ctx.paths.home, `${LABEL.workspace}=${id}`));
  containers.sort((a, b) => Number(LABEL.attached in b.labels) - Number(LABEL.attached in a.labels));
  // The setup state goes with them: createFresh makes it anew.
  for (const c of containers) await ctx.docker.removeContainer(c.id);
}

function collision(id: string, holder: string): DualError {
  return new DualError(`workspace id '${id}' is already taken by ${holder}; use a branch name that differs in more than case or punctuation`);
}

async function resumeExisting(
  ctx: Context,
  containerId: string,
  labels: Record<string, string>,
  repo: { name: string; path: string },
  branch: string,
  id: string,
  options: CreateOptions,
): Promise<CreateResult> {
  const worktree = labels[LABEL.worktree] ?? '';
  const config = await workspaceConfig(ctx, worktree);
  let ws = { id, repo: repo.name, branch, worktree, containerId };
  const recreated = await recreateIfChanged(ctx, ws, config, { force: false, image: options.image });
  const ready = readyOptions(options);
  if (recreated) {
    ws = { ...ws, containerId: recreated };
    await awaitReady(ctx, ws, config, ready, 'runs');
  } else {
    ctx.log(`dual: workspace ${id} already exists; starting it`);
    await startAndAwait(ctx, ws, config, ready);
    await startDeclaredAttached(ctx, ws, config);
  }
  const urls = workspaceUrls(id, config.ports, urlScheme(ctx.paths.home));
  return { id, repo: repo.name, branch, worktree, containerId: ws.containerId, urls, existed: true, config };
}

function readyOptions(options: CreateOptions, interrupted?: () => boolean): ReadyOptions {
  return { portTimeoutMs: (options.portTimeoutSeconds ?? DEFAULT_PORT_TIMEOUT_SECONDS) * 1000, interrupted };
}

async function createFresh(
  ctx: Context,
  repo: { name: string; path: string },
  options: CreateOptions,
  id: string,
): Promise<CreateResult> {
  const rollback = new Rollback();
  let complete = false;
  // Ctrl-C mid-create: let the current step finish, then undo everything (no half-made workspace).
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    if (!complete) ctx.log('dual: interrupted; undoing what this create made');
  };
  const checkpoint = () => {
    if (interrupted) throw new DualError('create interrupted; undid what it made', 130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const worktree = await ensureWorktree(ctx, repo, options.branch, id, options.from, rollback);
    checkpoint();
    const config = await workspaceConfig(ctx, worktree);
    const image = options.image ?? config.image;
    await ensureImage(ctx, image);
    await ensureWorkspaceNetwork(ctx.docker);
    checkpoint();
    const identity: WorkspaceIdentity = {
      id,
      repo: repo.name,
      branch: options.branch,
      worktree,
      git: await gitLayout(ctx, repo.path, worktree, id),
      home: ctx.paths.home,
    };
    prepareGitView(identity.git);
    rollback.add(`git files ${identity.git.privateDir}`, async () => removeGitView(ctx.paths.state, id));
    for (const volume of workspaceVolumes(identity, config)) {
      await ctx.docker.createVolume({ name: volume.name, labels: volume.labels });
      rollback.add(`volume ${volume.name}`, () => ctx.docker.removeVolume(volume.name));
    }
    const user = hostUser();
    resetSetupState(ctx, id);
    rollback.add('setup state', async () => removeSetupState(ctx, id));
    const shares = hostShares(ctx.paths, config, ctx.log);
    const containerId = await ctx.docker.createContainer(workspaceContainerSpec(identity, config, image, user, shares));
    rollback.add(`container ${containerName(id)}`, () => ctx.docker.removeContainer(containerId));
    checkpoint();
    await ctx.docker.startContainer(containerId);
    // The entry script waits (bounded) until it may write the volumes before setup runs.
    await giveVolumesToUser(ctx, containerId, identity, config, user);
    checkpoint();
    await startDeclaredAttached(ctx, { ...identity, containerId }, config);
    checkpoint();
    // From here on the workspace is complete and kept: setup and start go on in the container.
    complete = true;
    await awaitReady(ctx, { ...identity, containerId }, config, readyOptions(options, () => interrupted), 'runs');
    const result: CreateResult = {
      id,
      repo: repo.name,
      branch: options.branch,
      worktree,
      containerId,
      urls: workspaceUrls(id, config.ports, urlScheme(ctx.paths.home)),
      existed: false,
      config,
    };
    return result;
  } catch (error) {
    if (!complete) await rollback.run(ctx.log);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * The worktree for (repo, branch): the branch's existing worktree if it has one (e.g. main,
 * checked out in the repo itself), else a new one at $DUAL_HOME/worktrees/<repo>/<slug>.
 */
async function ensureWorktree(
  ctx: Context,
  repo: { name: string; path: string },
  branch: string,
  id: string,
  from: string | undefined,
  rollback: Rollback,
): Promise<string> {
  return withLock(ctx.paths.locks, `repo-${repo.name}`, async () => {
    const worktrees = await ctx.git.listWorktrees(repo.path);
    const current = worktrees.find((w) => w.branch === branch);
    if (current) return realpathSync(current.path);
    const path = join(ctx.paths.worktrees, repo.name, branchSlug(branch));
    const occupant = worktrees.find((w) => w.path === path);
    if (occupant) throw collision(id, `the worktree of branch '${occupant.branch ?? occupant.head}' at ${path}`);
    const source = await ctx.git.branchSource(repo.path, branch, from);
    mkdirSync(join(ctx.paths.worktrees, repo.name), { recursive: true });
    await ctx.git.addWorktree(repo.path, path, branch, source);
    const createdHead = source.kind === 'local' ? undefined : await ctx.git.branchHead(repo.path, branch);
    rollback.add(`worktree ${path}`, () => undoWorktree(ctx, repo.path, path, branch, createdHead));
    return realpathSync(path);
  });
}
