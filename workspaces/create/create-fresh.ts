import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkspaceConfig } from '../../src/adapters/config/dual-json.js';
import type { Context } from '../../src/adapters/context.js';
import { traceMark } from '../../src/adapters/trace.js';
import { containerName } from '../../src/model/naming.js';
import { startDeclaredAttached } from '../attached/declared.js';
import { awaitReady } from '../bring-up.js';
import { workspaceContainerSpec, workspaceVolumes, type WorkspaceIdentity } from '../container-spec.js';
import { gitLayout, prepareGitView, removeGitView } from '../git-view.js';
import { hostShares } from '../host-shares.js';
import { giveVolumesToUser, hostUser } from '../host-user.js';
import { ensureImage } from '../image.js';
import { copyLocalFiles, undoLocalCopies } from '../copy-files.js';
import { checkDataTarget, cloneAttachedData, resolveDataSource } from '../data-from.js';
import { seedDirectories } from '../seed/seed.js';
import { ensureWorkspaceNetwork } from '../network.js';
import { releaseSetup, removeSetupState, resetSetupStateHeld } from '../setup.js';
import { workspaceConfig } from '../volume-default.js';
import { runCreate, type CreateRun } from './create-run.js';
import { ensureWorktree } from './ensure-worktree.js';
import { readyOptions, type CreateOptions, type CreateResult, createResult } from './create-result.js';

/**
 * A workspace that does not exist yet, as a plan of steps. Each step that makes something
 * records how to undo it in `run`; between steps an interrupt stops the plan. Until the
 * workspace is complete a failure or Ctrl-C undoes everything this run made; after that it
 * is kept (a failed setup shows in `dual list`, and create again retries it).
 */
export function createFresh(ctx: Context, repo: { name: string; path: string }, options: CreateOptions, id: string): Promise<CreateResult> {
  return runCreate(ctx.log, async (run) => {
    const dataSource = await resolveDataSource(ctx, options.dataFrom, repo.name, id);
    const worktree = await ensureWorktree(ctx, repo, options.branch, id, options.from, run);
    traceMark('create: worktree');
    run.checkpoint();
    const config = await workspaceConfig(ctx, worktree);
    if (dataSource) checkDataTarget(dataSource, config.attached);
    const image = options.image ?? config.image;
    // Ctrl-C stops a pull (it may take minutes): its failure then reads as the interrupt.
    await ensureImage(ctx, image, run.signal).catch((error: unknown) => {
      run.checkpoint();
      throw error;
    });
    await ensureWorkspaceNetwork(ctx.docker);
    run.checkpoint();
    const identity = await makeGitView(ctx, run, { id, repo: repo.name, branch: options.branch, worktree, repoPath: repo.path });
    await makeVolumes(ctx, run, identity, config);
    const containerId = await makeContainer(ctx, run, identity, config, image);
    traceMark('create: image, network, volumes, container');
    run.checkpoint();
    // The engine starts the container while local files and seeds are copied: its entry
    // script holds setup until releaseSetup (SPEC "dual create", order).
    await settleBoth(ctx.docker.startContainer(containerId), copyAndSeed(ctx, run, repo.path, identity, config, image));
    traceMark('create: container started, files copied, seeds laid down');
    releaseSetup(ctx, id);
    run.checkpoint();
    // The entry script waits (bounded) until it may write the volumes before setup runs.
    await giveVolumesToUser(ctx, containerId, identity, config, hostUser());
    run.checkpoint();
    await startDeclaredAttached(ctx, { ...identity, containerId }, config);
    if (dataSource) await cloneAttachedData(ctx, dataSource, identity);
    run.checkpoint();
    run.keep();
    traceMark('create: setup released');
    await awaitReady(ctx, { ...identity, containerId }, config, readyOptions(options, run.interrupted), 'runs');
    return createResult(ctx, { id, repo: repo.name, branch: options.branch, worktree, containerId }, config, false);
  });
}

/** `copy` and `seed`, each recorded for a rollback. */
async function copyAndSeed(ctx: Context, run: CreateRun, repoPath: string, identity: WorkspaceIdentity, config: WorkspaceConfig, image: string): Promise<void> {
  const copied = await copyLocalFiles(ctx, repoPath, identity.worktree, identity.id, config.copy);
  run.made('copied local files', () => undoLocalCopies(ctx.paths.home, identity.id, identity.worktree, copied));
  const seeded = await seedDirectories(ctx, identity, config, image);
  run.made('seeded directories', async () => seeded.forEach((dir) => rmSync(join(identity.worktree, dir), { recursive: true, force: true })));
}

/** Both settled before anything is rolled back (a rollback must not race a copy still running); then the first failure, if any. */
async function settleBoth(a: Promise<unknown>, b: Promise<unknown>): Promise<void> {
  const failed = (await Promise.allSettled([a, b])).find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/** The repo's git directories as the container sees them (git-view.ts), removed on rollback. */
async function makeGitView(
  ctx: Context,
  run: CreateRun,
  ws: { id: string; repo: string; branch: string; worktree: string; repoPath: string },
): Promise<WorkspaceIdentity> {
  const git = await gitLayout(ctx, ws.repoPath, ws.worktree, ws.id);
  prepareGitView(git);
  run.made(`git files ${git.privateDir}`, async () => removeGitView(ctx.paths.state, ws.id));
  return { id: ws.id, repo: ws.repo, branch: ws.branch, worktree: ws.worktree, git, home: ctx.paths.home };
}

async function makeVolumes(ctx: Context, run: CreateRun, identity: WorkspaceIdentity, config: WorkspaceConfig): Promise<void> {
  for (const volume of workspaceVolumes(identity, config)) {
    await ctx.docker.createVolume({ name: volume.name, labels: volume.labels });
    run.made(`volume ${volume.name}`, () => ctx.docker.removeVolume(volume.name));
  }
}

/** The container (not started yet), with a fresh setup state for its entry script to fill in, holding setup until releaseSetup. */
async function makeContainer(ctx: Context, run: CreateRun, identity: WorkspaceIdentity, config: WorkspaceConfig, image: string): Promise<string> {
  resetSetupStateHeld(ctx, identity.id);
  run.made('setup state', async () => removeSetupState(ctx, identity.id));
  const shares = hostShares(ctx.paths, config, ctx.log);
  const containerId = await ctx.docker.createContainer(workspaceContainerSpec(identity, config, image, hostUser(), shares));
  run.made(`container ${containerName(identity.id)}`, () => ctx.docker.removeContainer(containerId));
  return containerId;
}
