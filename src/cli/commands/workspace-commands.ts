import { InvalidArgumentError, type Command } from 'commander';
import { printJson } from '../report.js';
import { realContext } from '../../adapters/context.js';
import { table } from './format.js';

/** `dual add|create|list|start|stop|restart|logs|shell|destroy`: the workspace manager's CLI. */
export function registerWorkspaceCommands(program: Command): void {
  program
    .command('add <path>')
    .description('register a git repo (name defaults to the folder name)')
    .option('--name <name>', 'name used in workspace ids and URLs')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, opts: { name?: string; json?: boolean }) => {
      const { addRepo } = await import('../../../workspaces/repos.js');
      const repo = await addRepo(await realContext(), path, opts.name);
      if (opts.json) printJson(repo);
      else process.stdout.write(`${repo.name}\t${repo.path}\n`);
    });

  program
    .command('create <repo> <branch>')
    .description('create a workspace: a worktree and a started container for the branch')
    .option('--image <image>', 'container image (overrides .dual.json)')
    .option('--from <ref>', 'start point when the branch does not exist yet (default: HEAD)')
    .option('--port-timeout <seconds>', 'how long to wait for every port to answer after start (0: do not wait)', parseSeconds, 120)
    .option('--data-from <ws>', "start the attached containers (a database) with a copy of this workspace's data")
    .option('--json', 'print the result as JSON')
    .action(async (repo: string, branch: string, opts: { image?: string; from?: string; portTimeout: number; dataFrom?: string; json?: boolean }) => {
      const { createWorkspace } = await import('../../../workspaces/create.js');
      const ctx = await realContext();
      const result = await createWorkspace(ctx, { repo, branch, image: opts.image, from: opts.from, portTimeoutSeconds: opts.portTimeout, dataFrom: opts.dataFrom });
      const { maybeStartProxy } = await import('./proxy-autostart.js');
      await maybeStartProxy(ctx);
      if (opts.json) {
        const { config: _config, ...rest } = result;
        printJson(rest);
      } else process.stdout.write(`${result.id}\t${result.urls.join(' ')}\n`);
    });

  program
    .command('list')
    .alias('ls')
    .description('list workspaces: id, repo, branch, state, URL')
    .option('--json', 'print as JSON (adds the worktree, setup state, and per port whether it is listening)')
    .action(async (opts: { json?: boolean }) => {
      const { listWorkspaces } = await import('../../../workspaces/list.js');
      const { workspaceUrls } = await import('../../model/workspace.js');
      const { urlScheme } = await import('../../adapters/tls/trust-record.js');
      const { attachedByWorkspace } = await import('../../../workspaces/attached/find.js');
      const { attachedStateShown } = await import('../../model/sleep-state.js');
      const ctx = await realContext();
      const scheme = urlScheme(ctx.paths.home);
      const [workspaces, attached] = await Promise.all([listWorkspaces(ctx, { probe: true }), attachedByWorkspace(ctx)]);
      if (opts.json) {
        printJson(workspaces.map((w) => ({ ...w, urls: workspaceUrls(w.id, w.ports, scheme), attached: attached.get(w.id) ?? [] })));
        return;
      }
      if (workspaces.length === 0) {
        process.stderr.write('no workspaces yet; create one with `dual create <repo> <branch>`\n');
        return;
      }
      const rows = workspaces.flatMap((w) => [
        [w.id, w.repo, w.branch, w.state, workspaceUrls(w.id, w.ports, scheme).join(' ')],
        ...(attached.get(w.id) ?? []).map((a) => [`  └ ${a.name}`, '', '', attachedStateShown(w.state, a.state), `attached: ${a.image}`]),
      ]);
      process.stdout.write(table(['ID', 'REPO', 'BRANCH', 'STATE', 'URL'], rows));
    });

  const bringUp = {
    start: 'start a workspace (recreating its container when .dual.json changed); waits for setup and its ports',
    restart: 'restart a workspace (recreating its container when .dual.json changed); waits for setup and its ports',
    recreate: 'a new container from the current .dual.json, keeping worktree, volumes and attached containers',
  };
  for (const action of ['start', 'restart', 'recreate'] as const) {
    program
      .command(`${action} <workspace>`)
      .description(bringUp[action])
      .option('--port-timeout <seconds>', 'how long to wait for every port to answer (0: do not wait)', parseSeconds, 120)
      .action(async (id: string, opts: { portTimeout: number }) => {
        const lifecycle = await import('../../../workspaces/lifecycle.js');
        const run = { start: lifecycle.startWorkspace, restart: lifecycle.restartWorkspace, recreate: lifecycle.recreateWorkspace }[action];
        const ws = await run(await realContext(), id, { portTimeoutMs: opts.portTimeout * 1000 });
        process.stdout.write(`${ws.id}\t${ws.state}\n`);
      });
  }

  program
    .command('stop <workspace>')
    .description("stop a workspace's container (and its attached containers)")
    .action(async (id: string) => {
      const { stopWorkspace } = await import('../../../workspaces/lifecycle.js');
      const ws = await stopWorkspace(await realContext(), id);
      process.stdout.write(`${ws.id}\t${ws.state}\n`);
    });

  program
    .command('sleep <workspace>')
    .description('stop a workspace (and its attached containers) until a request to its URL or a `dual exec` wakes it')
    .action(async (id: string) => {
      const { sleepWorkspace } = await import('../../../workspaces/lifecycle.js');
      const ws = await sleepWorkspace(await realContext(), id);
      process.stdout.write(`${ws.id}\t${ws.state}\n`);
    });

  program
    .command('logs <workspace>')
    .description("the container's main process output")
    .option('-f, --follow', 'keep streaming')
    .option('-n, --tail <lines>', 'only the last lines', (v) => Number.parseInt(v, 10))
    .action(async (id: string, opts: { follow?: boolean; tail?: number }) => {
      const { findWorkspace } = await import('../../../workspaces/list.js');
      const ctx = await realContext();
      const ws = await findWorkspace(ctx, id);
      if (!ws.containerId) throw new (await import('../../model/errors.js')).DualError(`workspace '${id}' has no container`);
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      await ctx.docker.logs(ws.containerId, {
        follow: Boolean(opts.follow),
        tail: opts.tail,
        stdout: process.stdout,
        stderr: process.stderr,
        signal: abort.signal,
      });
    });

  program
    .command('shell <workspace>')
    .description('interactive shell in the workspace container (bash when the image has it)')
    .action(async (id: string) => {
      const { execCommand } = await import('./exec.js');
      const script = 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi';
      process.exitCode = await execCommand([id, '--', 'sh', '-c', script]);
    });

  program
    .command('prune')
    .description('remove what failures left behind: orphaned attached containers, volumes, markers (never worktrees)')
    .option('--dry-run', 'only say what would be removed')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { dryRun?: boolean; json?: boolean }) => {
      const { pruneOrphans } = await import('../../../workspaces/prune.js');
      const result = await pruneOrphans(await realContext(), Boolean(opts.dryRun));
      if (opts.json) return printJson(result);
      const verb = opts.dryRun ? 'would remove' : 'removed';
      for (const name of result.containers) process.stdout.write(`${verb} container\t${name}\n`);
      for (const name of result.volumes) process.stdout.write(`${verb} volume\t${name}\n`);
      if (result.markers > 0) process.stdout.write(`${verb} ${result.markers} stale marker(s)\n`);
      for (const w of result.keptWorktrees) {
        process.stderr.write(`kept worktree of ${w.id} (its container is gone): ${w.worktree}; remove it with \`${w.hint}\`\n`);
      }
      if (result.containers.length + result.volumes.length + result.markers === 0) process.stderr.write('nothing to prune\n');
    });

  program
    .command('destroy <workspace>')
    .description('remove the container, its volumes and the worktree (the branch stays)')
    .option('--force', 'even with uncommitted changes or commits that exist only on this branch')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: { force?: boolean; json?: boolean }) => {
      const { destroyWorkspace } = await import('../../../workspaces/destroy.js');
      const result = await destroyWorkspace(await realContext(), id, Boolean(opts.force));
      if (opts.json) printJson(result);
      else process.stdout.write(`${result.id}\tdestroyed\n`);
    });
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(seconds)) {
    throw new InvalidArgumentError('expected a number of seconds, e.g. 120');
  }
  return seconds;
}
