import type { Context } from '../src/adapters/context.js';
import { DualError } from '../src/model/errors.js';
import { LABEL } from '../src/model/labels.js';
import { containerName } from '../src/model/naming.js';
import { listAttached } from './attached/find.js';
import { ATTACHED_STOP_TIMEOUT_SECONDS } from './attached/spec.js';
import { copyVolume } from './volume-copy.js';

/**
 * `dual create <repo> <branch> --data-from <ws>`: the new workspace's attached containers
 * (a database) start with a copy of the data of the same-named attached containers of `<ws>`,
 * another workspace of the same repo and DUAL_HOME. Volumes are paired by their mount point
 * (named volumes from `volumes`, and the anonymous ones an image declares, such as postgres's
 * data directory). For a consistent copy the source's container is stopped while its volumes
 * are copied (a database flushes on SIGTERM; 10 s grace) and started again; the copy itself
 * is volume to volume in a helper container (volume-copy.ts). The source is left as it was.
 */
export interface DataSource {
  id: string;
  /** The source's attached containers that hold a volume: the ones whose data can be copied. */
  withData: string[];
}

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Checked before anything is made: one line when the source cannot be used. */
export async function resolveDataSource(ctx: Context, from: string | undefined, repo: string, targetId: string): Promise<DataSource | undefined> {
  if (from === undefined) return undefined;
  const unknown = () => new DualError(`--data-from: no workspace '${from}' in this DUAL_HOME; see \`dual list\` for the workspaces there are`);
  if (!ID.test(from) || from.length > 63) throw unknown();
  if (from === targetId) throw new DualError(`--data-from names the workspace being created (${from}); name another workspace of repo '${repo}'`);
  const found = await ctx.docker.inspectContainer(containerName(from));
  if (!found || found.labels[LABEL.workspace] !== from || LABEL.attached in found.labels) throw unknown();
  const home = found.labels[LABEL.home];
  if (home !== ctx.paths.home) {
    throw new DualError(`--data-from: workspace '${from}' belongs to another dual installation (DUAL_HOME=${home ?? 'unknown'}); data is copied only between workspaces of one DUAL_HOME`);
  }
  const sourceRepo = found.labels[LABEL.repo];
  if (sourceRepo !== repo) {
    throw new DualError(`--data-from: workspace '${from}' is of repo '${sourceRepo}', not '${repo}'; data is copied only between branches of one repo`);
  }
  // The user asked for data: a source with none would give a workspace without it, silently.
  const withData = await attachedWithData(ctx, from);
  if (withData.length === 0) {
    throw new DualError(
      `--data-from: workspace '${from}' has no attached container with a volume, so there is no data to copy; attach one (\`dual attach\`) or leave out --data-from`,
    );
  }
  return { id: from, withData };
}

/** Once the new branch's .dual.json is read (before any container): it must declare one of the source's containers with data. */
export function checkDataTarget(source: DataSource, declared: Record<string, unknown>): void {
  if (source.withData.some((name) => name in declared)) return;
  throw new DualError(
    `--data-from: this branch's .dual.json declares none of ${source.id}'s attached containers with data (${source.withData.join(', ')}), so there is nothing to copy the data into; declare one of them in "attached", or leave out --data-from`,
  );
}

async function attachedWithData(ctx: Context, id: string): Promise<string[]> {
  const names: string[] = [];
  for (const attached of await listAttached(ctx, id)) {
    const found = await ctx.docker.inspectContainer(attached.containerId);
    if (found?.mounts.some(isDataVolume)) names.push(attached.name);
  }
  return names;
}

function isDataVolume(mount: { type: string; name?: string }): boolean {
  return mount.type === 'volume' && mount.name !== undefined && mount.name !== '';
}

/** After the new workspace's attached containers were made: copies their data from the source's. */
export async function cloneAttachedData(ctx: Context, source: DataSource, target: { id: string; repo: string }): Promise<void> {
  const sources = new Map((await listAttached(ctx, source.id)).map((a) => [a.name, a]));
  let copied = 0;
  for (const mine of await listAttached(ctx, target.id)) {
    const theirs = sources.get(mine.name);
    if (!theirs) continue;
    const [from, to] = await Promise.all([ctx.docker.inspectContainer(theirs.containerId), ctx.docker.inspectContainer(mine.containerId)]);
    if (!from || !to) continue;
    const pairs = from.mounts
      .filter(isDataVolume)
      .map((m) => ({ from: m.name!, to: to.mounts.find((t) => t.type === 'volume' && t.name && t.destination === m.destination)?.name, at: m.destination }))
      .filter((p): p is { from: string; to: string; at: string } => p.to !== undefined);
    if (pairs.length === 0) continue;
    if (from.running) {
      ctx.log(`dual: stopping ${source.id}'s attached ${mine.name} for a consistent copy of its data`);
      await ctx.docker.stopContainer(from.id, ATTACHED_STOP_TIMEOUT_SECONDS).catch((error: unknown) => {
        throw new DualError(`--data-from: cannot stop ${source.id}'s attached ${mine.name} for a consistent copy (${(error as Error).message.split('\n')[0]}); nothing was copied`);
      });
    }
    try {
      await ctx.docker.stopContainer(to.id, ATTACHED_STOP_TIMEOUT_SECONDS);
      for (const pair of pairs) await copyVolume(ctx, { from: pair.from, to: pair.to, image: mine.image, workspace: target.id, repo: target.repo });
      await ctx.docker.startContainer(to.id);
    } finally {
      if (from.running) {
        await ctx.docker.startContainer(from.id).catch((error: unknown) => {
          ctx.log(`dual: warning: ${source.id}'s attached ${mine.name} did not start again: ${(error as Error).message.split('\n')[0]}; run \`dual attached start ${source.id} ${mine.name}\``);
        });
      }
    }
    copied += 1;
    ctx.log(`dual: copied the data of ${mine.name} (${pairs.map((p) => p.at).join(', ')}) from ${source.id}`);
  }
  if (copied === 0) ctx.log(`dual: --data-from ${source.id}: no attached container of both workspaces has a volume at the same path; nothing copied`);
}
