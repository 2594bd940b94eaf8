import type { Command } from 'commander';
import { printJson } from '../report.js';
import { realContext } from '../../adapters/context.js';
import { envEntry } from './exec-args.js';
import { table } from './format.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `-e` entries as an object; a bare KEY not set here is left out (as `docker run` does). */
function parseEnv(entries: string[], hostEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries.map((e) => envEntry(e, hostEnv, 1))) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** `dual attach`, `dual attached [ws]` (+ logs/exec/stop/start/rm) and `dual status`. */
export function registerAttachedCommands(program: Command): void {
  program
    .command('attach <workspace> <name> [command...]')
    .description("run a container (database, agent, worker) in a workspace's network namespace: it shares the workspace's localhost")
    .requiredOption('--image <image>', 'image to run (pulled when missing)')
    .option('-e, --env <KEY=VAL>', 'environment variable (repeatable; KEY alone copies it from here)', collect, [])
    .option('--mount-worktree', "mount the workspace's worktree at its own path and start there (agents, test runners)")
    .option('--memory <size>', 'memory limit, e.g. 512m or 2g')
    .option('--cpus <n>', 'CPU limit, e.g. 1.5')
    .option('-v, --volume <path>', 'keep this absolute path in a named volume (repeatable; removed with the container)', collect, [])
    .option('-p, --publish <port>', 'refused: attached containers share the workspace ports; publish on the workspace', collect, [])
    .option('--json', 'print the result as JSON')
    .action(async (workspace: string, name: string, command: string[], opts: AttachFlags) => {
      const { attach } = await import('../../../workspaces/attached/attach.js');
      const result = await attach(await realContext(), {
        workspace,
        name,
        image: opts.image,
        env: parseEnv(opts.env),
        cmd: command,
        mountWorktree: Boolean(opts.mountWorktree),
        memory: opts.memory,
        cpus: opts.cpus,
        volumes: opts.volume,
        publish: opts.publish,
      });
      if (opts.json) printJson(result);
      else process.stdout.write(`${result.workspace}\t${result.name}\t${result.containerName}\t${result.state}\n`);
    });

  const attached = program
    .command('attached')
    .description('list attached containers (all, or one workspace\'s); subcommands: logs, exec, stop, start, rm')
    .argument('[workspace]')
    .option('--json', 'print as JSON')
    .action(async (workspace: string | undefined, opts: { json?: boolean }) => {
      const { listAttached } = await import('../../../workspaces/attached/find.js');
      const ctx = await realContext();
      if (workspace) await (await import('../../../workspaces/list.js')).findWorkspace(ctx, workspace);
      const list = await listAttached(ctx, workspace);
      if (opts.json) return printJson(list);
      if (list.length === 0) {
        process.stderr.write(`no attached containers; add one with \`dual attach ${workspace ?? '<workspace>'} <name> --image <image>\`\n`);
        return;
      }
      process.stdout.write(table(['NAME', 'WORKSPACE', 'IMAGE', 'STATE'], list.map((a) => [a.name, a.workspace, a.image, a.state])));
    });

  attached
    .command('logs <workspace> <name>')
    .description("an attached container's main process output")
    .option('-f, --follow', 'keep streaming')
    .option('-n, --tail <lines>', 'only the last lines', (v) => Number.parseInt(v, 10))
    .action(async (workspace: string, name: string, opts: { follow?: boolean; tail?: number }) => {
      const { findAttached } = await import('../../../workspaces/attached/find.js');
      const ctx = await realContext();
      const a = await findAttached(ctx, workspace, name);
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      await ctx.docker.logs(a.containerId, { follow: Boolean(opts.follow), tail: opts.tail, stdout: process.stdout, stderr: process.stderr, signal: abort.signal });
    });

  // Run by cli.ts before commander (it needs the `--` verbatim); listed here for `dual attached --help`.
  attached
    .command('exec')
    .description('run a command in an attached container: dual attached exec <ws> <name> -- <cmd> (same rules as dual exec)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments();

  for (const verb of ['stop', 'start', 'rm'] as const) {
    attached
      .command(`${verb} <workspace> <name>`)
      .description(
        {
          stop: 'stop an attached container (it stays stopped when the workspace restarts, until `attached start`)',
          start: "start (or restart) an attached container in the workspace's current network namespace",
          rm: 'remove an attached container and its volumes',
        }[verb],
      )
      .action(async (workspace: string, name: string) => {
        const ops = await import('../../../workspaces/attached/operations.js');
        const run = { stop: ops.stopAttached, start: ops.startAttached, rm: ops.removeAttached }[verb];
        const a = await run(await realContext(), workspace, name);
        process.stdout.write(`${a.workspace}\t${a.name}\t${a.state}\n`);
      });
  }

  program
    .command('status')
    .description('one summary: workspaces, their attached containers, proxy, CPU and memory per workspace')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { statusReport, formatBytes } = await import('../../../workspaces/attached/status.js');
      const { attachedStateShown } = await import('../../model/sleep-state.js');
      const ctx = await realContext();
      const { proxyState } = await import('./proxy-state.js');
      const report = { ...(await statusReport(ctx)), proxy: await proxyState(ctx.paths.home) };
      if (opts.json) return printJson(report);
      const usage = (u?: { cpuPercent: number; memoryBytes: number }) => (u ? [`${u.cpuPercent.toFixed(1)}%`, formatBytes(u.memoryBytes)] : ['-', '-']);
      const rows: string[][] = [];
      for (const w of report.workspaces) {
        rows.push([w.id, w.state, ...usage(w.usage), w.branch]);
        for (const a of w.attached) rows.push([`  └ ${a.name}`, attachedStateShown(w.state, a.state), ...usage(a.usage), a.image]);
      }
      if (rows.length > 0) process.stdout.write(table(['WORKSPACE', 'STATE', 'CPU', 'MEMORY', 'BRANCH/IMAGE'], rows));
      else process.stdout.write('no workspaces\n');
      process.stdout.write(`proxy: ${report.proxy.state}${report.proxy.detail ? ` (${report.proxy.detail})` : ''}\n`);
    });
}

interface AttachFlags {
  image: string;
  env: string[];
  mountWorktree?: boolean;
  memory?: string;
  cpus?: string;
  volume: string[];
  publish: string[];
  json?: boolean;
}
