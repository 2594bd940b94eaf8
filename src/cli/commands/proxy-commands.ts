import type { Command } from 'commander';
import { dualHome } from '../../adapters/config/home.js';
import { DualError } from '../../model/errors.js';
import { shellCommand } from '../../model/shell-quote.js';
import { printJson } from '../report.js';

/**
 * `dual proxy [start|stop|status]`, `dual urls`, `dual open`. Only commander is loaded at
 * start-up: every action imports its work when it runs (pino and chokidar are slow to load).
 */
export function registerProxyCommands(program: Command): void {
  const proxy = program
    .command('proxy')
    .description('serve <workspace>.localhost:<port> in the foreground; --verbose logs each request readably (see also: proxy start|stop|status)')
    .option('--port <n...>', 'listen on exactly these ports instead of following the workspaces', parsePorts)
    .option('--bind <addr...>', 'addresses to listen on (default 127.0.0.1 and ::1)')
    .option('--allow-remote', 'allow binding a non-loopback address (exposes every workspace to the network)')
    .action(async (options: ProxyFlags, command: Command) => {
      const { runProxyForeground } = await import('../../../proxy/run-foreground.js');
      const verbose = Boolean(command.optsWithGlobals().verbose);
      process.exitCode = await runProxyForeground({
        home: dualHome(),
        ports: options.port,
        bind: options.bind,
        allowRemote: options.allowRemote ?? false,
        verbose,
        logFile: process.env.DUAL_PROXY_LOG || undefined,
        service: process.env.DUAL_PROXY_SERVICE || undefined,
      });
    });

  // Run by `dual proxy start` (daemon.ts), detached: supervises `dual proxy` (supervisor.ts).
  proxy
    .command('supervise', { hidden: true })
    .action(async (_options: unknown, command: Command) => {
      const flags = command.optsWithGlobals() as ProxyFlags & { verbose?: boolean };
      const [{ runSupervisor }, { proxyArgs }] = await Promise.all([import('../../../proxy/supervisor.js'), import('../../../proxy/daemon.js')]);
      process.exitCode = await runSupervisor({
        home: dualHome(),
        proxyArgs: proxyArgs({ ports: flags.port, bind: flags.bind, allowRemote: flags.allowRemote, verbose: flags.verbose }),
      });
    });

  proxy
    .command('start')
    .description('start the proxy in the background, no-op when it runs (takes the --port, --bind, --allow-remote options of `dual proxy`)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      // --port/--bind/--allow-remote belong to `dual proxy`; commander hands them to the parent.
      const flags = command.optsWithGlobals() as ProxyFlags & { verbose?: boolean };
      const { ensureProxyRunning, proxyStatus } = await import('../../../proxy/daemon.js');
      if (flags.bind) {
        const { checkBind } = await import('../../../proxy/bind.js');
        const { remote } = checkBind(flags.bind, flags.allowRemote ?? false);
        if (remote.length > 0) process.stderr.write(`dual: warning: listening on ${remote.join(', ')} exposes every workspace to the network\n`);
      }
      const home = dualHome();
      const result = await ensureProxyRunning(home, { ports: flags.port, bind: flags.bind, allowRemote: flags.allowRemote, verbose: flags.verbose });
      const status = proxyStatus(home);
      if (options.json) return printJson({ ...result, ...status });
      process.stdout.write(
        result.started
          ? `proxy started (pid ${result.pid}), listening on ${describePorts(status.ports)}; log: ${status.log}\n`
          : `proxy already running (pid ${result.pid}), listening on ${describePorts(status.ports)}\n`,
      );
    });

  proxy
    .command('stop')
    .description('stop the background proxy')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const { stopProxy } = await import('../../../proxy/daemon.js');
      const result = await stopProxy(dualHome());
      if (options.json) return printJson(result);
      if (!result.stopped) return void process.stdout.write('proxy is not running\n');
      const supervisor = result.supervisorPid ? `; supervisor pid ${result.supervisorPid}` : '';
      process.stdout.write(`proxy stopped (pid ${result.pid ?? '-'}${supervisor})\n`);
      if (result.service) process.stderr.write(`note: a ${result.service} login service runs it; it starts again at the next login unless you run \`dual proxy uninstall\`\n`);
    });

  proxy
    .command('status')
    .description('is the proxy running, on which ports')
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }) => {
      const [{ proxyStatus }, { describeExit }] = await Promise.all([import('../../../proxy/daemon.js'), import('../../../proxy/restart-policy.js')]);
      const status = proxyStatus(dualHome());
      if (options.json) return printJson(status);
      const supervisor = status.supervisor;
      if (!status.running) {
        // Why it is down, unless someone simply stopped it.
        const ended = supervisor && !supervisor.running && supervisor.ended && !supervisor.ended.startsWith('stopped by') ? supervisor.ended : undefined;
        const why = ended ? ` (${ended})` : supervisor?.running ? ' (its supervisor is restarting it)' : '';
        process.stdout.write(`proxy is not running${why}; start it with \`dual proxy start\`\n`);
        process.exitCode = 3;
        return;
      }
      const by = supervisor?.running
        ? `supervised by pid ${supervisor.pid}, restarts ${supervisor.restarts}${supervisor.lastExit ? `, last exit ${describeExit(supervisor.lastExit.code, supervisor.lastExit.signal)} at ${supervisor.lastExit.at}` : ''}`
        : status.service
          ? `run by ${status.service}`
          : 'not supervised';
      process.stdout.write(
        `proxy running (pid ${status.pid}; ${by}) on ${describePorts(status.ports)}, bind ${status.bind.join(', ')}, upstream ${status.upstream}\nlog: ${status.log}\n`,
      );
      for (const problem of status.problems) process.stderr.write(`warning: ${problem}\n`);
    });

  proxy
    .command('install')
    .description('run the proxy as your login service (systemd user unit on Linux, launchd agent on macOS)')
    .action(async () => {
      const { installService, findOnPath, serviceCommands, serviceFile } = await import('../../../proxy/login-service.js');
      const { homePaths } = await import('../../adapters/config/home.js');
      const { DUAL_BIN } = await import('../../../proxy/dual-bin.js');
      const where = { platform: process.platform, env: process.env, uid: process.getuid?.() ?? 0 };
      const home = dualHome();
      // The service's proxy would refuse to start beside a background one: hand over.
      const manager = serviceCommands(where.platform, serviceFile(where), where.uid).activate[0]![0]!;
      const { existsSync } = await import('node:fs');
      if (findOnPath(manager, where.env) && !existsSync(serviceFile(where))) {
        const { stopProxy } = await import('../../../proxy/daemon.js');
        const stopped = await stopProxy(home);
        if (stopped.stopped) process.stderr.write(`dual: stopped the background proxy (pid ${stopped.pid ?? '-'}); the login service runs it from now on\n`);
      }
      const result = installService({ node: process.execPath, bin: DUAL_BIN, home, log: homePaths(home).proxyLog }, where);
      process.stdout.write(`wrote ${result.file}:\n${result.content}`);
      for (const command of result.ran) process.stdout.write(`ran: ${shellCommand(command)}\n`);
      if (result.toRun.length > 0) {
        const why = result.managerDown ? `${result.toRun[0]![0]} could not reach a user service manager (${result.managerDown})` : `${result.toRun[0]![0]} was not found`;
        process.stdout.write(`${why}, so nothing was started; to start it now and at every login, run:\n`);
        for (const command of result.toRun) process.stdout.write(`  ${shellCommand(command)}\n`);
      }
    });

  proxy
    .command('uninstall')
    .description('remove the login service `dual proxy install` made (stops it first)')
    .action(async () => {
      const { uninstallService } = await import('../../../proxy/login-service.js');
      const result = uninstallService({ platform: process.platform, env: process.env, uid: process.getuid?.() ?? 0 });
      for (const command of result.ran) process.stdout.write(`ran: ${shellCommand(command)}\n`);
      process.stdout.write(`removed ${result.file}\n`);
    });

  program
    .command('urls')
    .description('print the URLs of every workspace (or one)')
    .argument('[ws]', 'workspace id')
    .option('--json', 'print them as JSON')
    .action(async (ws: string | undefined, options: { json?: boolean }) => {
      const { workspaceUrlList } = await import('./urls.js');
      const list = await workspaceUrlList(ws);
      if (options.json) return printJson(list);
      for (const w of list) for (const url of w.urls) process.stdout.write(`${url}${ws ? '' : `\t${w.id}\t${w.state}`}\n`);
      if (list.length === 0) process.stderr.write('no workspaces yet; create one with `dual create <repo> <branch>`\n');
      else if (process.stderr.isTTY) {
        process.stderr.write('(browsers and curl resolve *.localhost; from Node or Python connect to 127.0.0.1:<port> with that Host header)\n');
      }
    });

  program
    .command('open')
    .description("open a workspace's URLs in the default browser (default: the workspace you are in)")
    .argument('[ws]', 'workspace id')
    .action(async (ws: string | undefined) => {
      const { openWorkspaceUrls } = await import('./urls.js');
      const opened = await openWorkspaceUrls(ws);
      for (const url of opened) process.stdout.write(`${url}\n`);
    });
}

interface ProxyFlags {
  port?: number[];
  bind?: string[];
  allowRemote?: boolean;
}

function parsePorts(value: string, previous: number[] | undefined): number[] {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DualError(`--port ${value} is not a port number (1-65535)`);
  return [...(previous ?? []), port];
}

function describePorts(ports: number[]): string {
  return ports.length > 0 ? `port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}` : 'no ports yet (no workspace declares any)';
}

