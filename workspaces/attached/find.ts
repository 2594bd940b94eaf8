import type { ContainerSummary } from '../../src/adapters/docker/engine.js';
import { DualError } from '../../src/model/errors.js';
import { homeFilters, LABEL } from '../../src/model/labels.js';
import type { Context } from '../../src/adapters/context.js';

/** An attached container as dual shows it. */
export interface Attached {
  name: string;
  workspace: string;
  image: string;
  state: string;
  containerId: string;
  containerName: string;
}

function fromSummary(c: ContainerSummary): Attached {
  return {
    name: c.labels[LABEL.attached] ?? '',
    workspace: c.labels[LABEL.workspace] ?? '',
    image: c.image,
    state: c.state,
    containerId: c.id,
    containerName: c.name,
  };
}

/** Attached containers, of one workspace or all, found by label (never by name prefix). */
export async function listAttached(ctx: Context, workspace?: string): Promise<Attached[]> {
  const list = await ctx.docker.listContainers(homeFilters(ctx.paths.home, LABEL.attached, ...(workspace ? [`${LABEL.workspace}=${workspace}`] : [])));
  return list.map(fromSummary).sort((a, b) => a.workspace.localeCompare(b.workspace) || a.name.localeCompare(b.name));
}

export async function findAttached(ctx: Context, workspace: string, name: string): Promise<Attached> {
  const [match] = await ctx.docker.listContainers(homeFilters(ctx.paths.home, `${LABEL.workspace}=${workspace}`, `${LABEL.attached}=${name}`));
  if (!match) {
    throw new DualError(`workspace '${workspace}' has no attached container '${name}'; see \`dual attached ${workspace}\``);
  }
  return fromSummary(match);
}

/** Grouped by workspace id, for `dual list` and `dual status`. */
export async function attachedByWorkspace(ctx: Context): Promise<Map<string, Attached[]>> {
  const groups = new Map<string, Attached[]>();
  for (const a of await listAttached(ctx)) {
    const group = groups.get(a.workspace) ?? [];
    group.push(a);
    groups.set(a.workspace, group);
  }
  return groups;
}
