import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerSummary } from '../src/adapters/docker/engine.js';
import { DualError } from '../src/model/errors.js';
import { homeFilters, LABEL } from '../src/model/labels.js';
import { containerName, workspaceId } from '../src/model/naming.js';
import type { Context } from '../src/adapters/context.js';
import { urlScheme } from '../src/adapters/tls/trust-record.js';
import { listRepos } from './repos.js';
import { probePorts } from './port-probe.js';
import { setupState } from './setup.js';
import { isWorkspaceContainer, workspaceFromLabels, workspaceUrl, type Workspace } from '../src/model/workspace.js';
import { containerHasSetup, describeState, setupSummary } from './workspace-state.js';
import { isSleeping } from '../src/model/sleep-state.js';

/**
 * Every workspace: one per labelled container, plus worktrees dual made whose container has
 * gone (shown as 'container missing'). A container whose worktree is gone shows as
 * 'worktree missing'. Nothing is read from a list of dual's own.
 */
export async function listWorkspaces(ctx: Context, options: { probe?: boolean } = {}): Promise<Workspace[]> {
  const containers = await ctx.docker.listContainers(homeFilters(ctx.paths.home, LABEL.workspace));
  const scheme = options.probe ? urlScheme(ctx.paths.home) : 'http';
  const workspaces = await Promise.all(
    containers
      .filter((c) => isWorkspaceContainer(c.labels))
      .map(async (c) => {
        const ws = asleep(ctx, workspaceFromLabels(c.labels, c));
        if (!existsSync(ws.worktree)) return { ...ws, state: 'worktree missing', running: false };
        return options.probe ? withServingState(ctx, ws, c, scheme) : ws;
      }),
  );
  const known = new Set(workspaces.map((w) => w.worktree));
  for (const repo of listRepos(ctx)) {
    const root = join(ctx.paths.worktrees, repo.name);
    let entries;
    try {
      entries = await ctx.git.listWorktrees(repo.path);
    } catch {
      continue; // the repo itself is gone; its containers still list above
    }
    for (const entry of entries) {
      if (!entry.path.startsWith(root + '/') || known.has(entry.path) || !entry.branch) continue;
      const id = workspaceId(repo.name, entry.branch);
      workspaces.push({
        id,
        repo: repo.name,
        branch: entry.branch,
        worktree: entry.path,
        ports: [],
        containerName: containerName(id),
        state: 'container missing',
        running: false,
      });
    }
  }
  return workspaces.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Adds what "running" means for a dev server: the entry script's setup record, and a short
 * TCP probe of every declared port (all workspaces in parallel; see port-probe.ts).
 */
async function withServingState(ctx: Context, ws: Workspace, container: ContainerSummary, scheme: 'http' | 'https'): Promise<Workspace> {
  const hasSetup = containerHasSetup(container.labels);
  const setup = hasSetup ? setupState(ctx, ws.id) : ({ kind: 'ok' } as const);
  const probe = ws.running && (!hasSetup || setup.kind === 'ok');
  const ports = probe
    ? await probePorts(ctx, { containerId: container.id, ipAddress: container.ipAddress }, ws.ports)
    : ws.ports.map((port) => ({ port, listening: false }));
  return {
    ...ws,
    state: describeState({ container: container.state, hasSetup, setup, ports: probe ? ports : undefined, sleeping: ws.state === 'sleeping' }),
    setup: setupSummary(hasSetup, setup),
    endpoints: ports.map((p) => ({ port: p.port, url: workspaceUrl(ws.id, p.port, scheme), listening: p.listening })),
  };
}

/** Stopped by idle sleep (a request or `dual exec` wakes it), told apart from stopped by the user. */
function asleep(ctx: Context, ws: Workspace): Workspace {
  return !ws.running && ws.containerId && isSleeping(ctx.paths.state, ws.containerId) ? { ...ws, state: 'sleeping' } : ws;
}

/** A workspace by id, including ones whose container is missing. */
export async function findWorkspace(ctx: Context, id: string): Promise<Workspace> {
  const container = await ctx.docker.inspectContainer(containerName(id));
  if (container && isWorkspaceContainer(container.labels) && container.labels[LABEL.workspace] === id && container.labels[LABEL.home] === ctx.paths.home) {
    const ws = asleep(ctx, workspaceFromLabels(container.labels, container));
    return existsSync(ws.worktree) ? ws : { ...ws, state: 'worktree missing', running: false };
  }
  const orphan = (await listWorkspaces(ctx)).find((w) => w.id === id);
  if (orphan) return orphan;
  throw new DualError(`no workspace '${id}'; see \`dual list\` for the workspaces there are`);
}
