// `npm run bench` (scripts/bench.sh builds this file with esbuild and runs it from the checkout).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { makeRepo } from '../test/helpers/git-repo.js';
import { BenchEnv } from './bench-env.js';
import { bridgeIp, removeLabelled } from './cleanup.js';
import { benchCreate, type CreateTiming } from './create-bench.js';
import { startDualProxy, type RunningProxy } from './dual-proxy.js';
import { benchExec, type Timing } from './exec-bench.js';
import { benchFramework, type FrameworkTiming } from './framework-bench.js';
import { benchSeed, seedRepoNames, type SeedTiming } from './seed-bench.js';
import { waitServing } from './http-probe.js';
import { startCaddy, type RunningCaddy } from './caddy.js';
import { startNginx, type RunningNginx } from './nginx.js';
import { benchPageLoad, type PageLoadRow } from './page-load.js';
import { containerCpuReader } from './process-cpu.js';
import { tlsPaths } from '../src/adapters/tls/paths.js';
import { benchProxy, type Target } from './proxy-bench.js';
import { recordInFile, renderMarkdown, renderSeedMarkdown } from './report.js';
import { findTool, freePort } from './tools.js';
import { NEXT_APP, requireRegistry, VITE_APP } from '../test/real/real-app.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const PAGE_MODULES = 1000;
/**
 * BENCH_ONLY=page,proxy (any of cli, proxy, page, apps, seed) runs only those sections, e.g. the
 * page-load rows again when the machine is quieter; a partial run prints its table and
 * leaves BENCHMARKS.md alone.
 */
const SECTIONS = new Set((process.env.BENCH_ONLY ?? 'cli,proxy,page,apps,seed').split(',').map((s) => s.trim()));
const PARTIAL = ['cli', 'proxy', 'page', 'apps', 'seed'].some((s) => !SECTIONS.has(s));

async function main(): Promise<void> {
  const env = new BenchEnv();
  // Other work on a shared machine moves every figure: the load is recorded with them.
  const loadAtStart = loadavg()[0]!;
  const notes: string[] = [];
  let proxy: RunningProxy | undefined;
  let nginx: RunningNginx | undefined;
  let caddy: RunningCaddy | undefined;
  const cleanup = async () => {
    await proxy?.stop();
    await nginx?.stop();
    await caddy?.stop();
    let removed = 0;
    for (const repo of [env.repo, `${env.repo}-${VITE_APP.name}`, `${env.repo}-${NEXT_APP.name}`, ...seedRepoNames(env, VITE_APP), ...seedRepoNames(env, NEXT_APP)]) {
      removed += await removeLabelled(repo);
    }
    log(`bench: removed ${removed} container(s) labelled dual.repo=${env.repo}[-vite|-next]`);
    if (!process.env.BENCH_TMP) rmSync(env.root, { recursive: true, force: true });
  };
  // Ctrl-C: still remove the containers (scripts/bench.sh has a trap for harder deaths).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));

  try {
    // The proxy pins one free port; the fixture server listens on the same port in its
    // container, because the proxy forwards <id>.localhost:<p> to the container's port <p>.
    const port = await freePort();
    // The dev page of the page-load rows: branch `page` runs test/fixtures/module-app on its own port.
    const pagePort = await freePort();
    const fixture = (name: string) => readFileSync(join(env.checkout, 'bench', 'fixture', name), 'utf8');
    const dualJson = { image: 'dual-test/node', start: 'node server.js', ports: [port], env: { PORT: String(port) } };
    const pageJson = { image: 'dual-test/node', start: 'node page-server.js', ports: [pagePort], env: { PORT: String(pagePort), MODULES: String(PAGE_MODULES) } };
    const createBranches = ['create-1', 'create-2', 'create-3'];
    makeRepo(
      env.path('repo'),
      { 'server.js': fixture('server.js'), 'package.json': fixture('package.json'), '.dual.json': JSON.stringify(dualJson) },
      {
        ...Object.fromEntries(createBranches.map((b) => [b, {}])),
        page: {
          'page-server.js': readFileSync(join(env.checkout, 'test', 'fixtures', 'module-app', 'server.js'), 'utf8'),
          'message.txt': 'bench page\n',
          '.dual.json': JSON.stringify(pageJson),
        },
      },
    );
    await env.dual('add', env.path('repo'), '--name', env.repo);

    const id = env.id('main');
    let create: CreateTiming = { create: [], createP50: 0, toFirstExec: [], p50: 0 };
    let exec: Timing[] = [];
    if (SECTIONS.has('cli')) {
      log('bench: dual create to first exec ...');
      create = await benchCreate(env, createBranches);
    }
    await env.dual('create', env.repo, 'main');
    if (SECTIONS.has('cli')) {
      log('bench: exec (30 interleaved runs each) ...');
      exec = await benchExec(env, id);
    }

    const ip = await bridgeIp(`dual-${id}`);
    const host = (p: number) => `${id}.localhost:${p}`;
    await waitServing(ip, port, host(port), 'the fixture server in the container');
    const targets: Target[] = [{ name: 'direct', address: ip, port, host: host(port) }];

    const pageId = env.id('page');
    await env.dual('create', env.repo, 'page');
    const pageIp = await bridgeIp(`dual-${pageId}`);
    await waitServing(pageIp, pagePort, `${pageId}.localhost:${pagePort}`, 'the module page in the container', undefined, 30_000, true);

    proxy = startDualProxy(env, [port, pagePort]);
    try {
      await waitServing('127.0.0.1', port, host(port), 'dual proxy', proxy.exited);
      targets.push({ name: 'dual', address: '127.0.0.1', port, host: host(port) });
    } catch (error) {
      // The other rows still mean something: record why this column is empty and go on.
      log(`bench: ${(error as Error).message}\nproxy log:\n${proxy.logTail()}`);
      notes.push(`\`dual proxy --port ${port}\` did not serve (${(error as Error).message}): the dual column is empty.`);
      await proxy.stop();
    }

    const nginxBin = findTool('nginx', ['/usr/sbin/nginx']);
    if (nginxBin) {
      const nginxPort = await freePort();
      nginx = startNginx(nginxBin, env.path('nginx'), nginxPort, [{ host: `${id}.localhost`, upstream: `${ip}:${port}` }]);
      await waitServing('127.0.0.1', nginxPort, host(nginxPort), 'nginx');
      targets.push({ name: 'nginx', address: '127.0.0.1', port: nginxPort, host: host(nginxPort) });
    } else {
      notes.push('nginx is not installed: the nginx column is empty (scripts/bench.sh installs nginx-light on Debian as root).');
    }
    const caddyBin = findTool('caddy', ['/usr/bin/caddy']);
    if (caddyBin) {
      const caddyPort = await freePort();
      caddy = startCaddy(caddyBin, env.path('caddy'), caddyPort, [{ host: `${id}.localhost`, upstream: `${ip}:${port}` }]);
      await waitServing('127.0.0.1', caddyPort, host(caddyPort), 'caddy');
      targets.push({ name: 'caddy', address: '127.0.0.1', port: caddyPort, host: host(caddyPort) });
    } else {
      notes.push('caddy is not installed: the caddy column is empty (scripts/bench.sh installs it on Debian as root).');
    }
    if (!findTool('wrk', [])) throw new Error('wrk is not installed (scripts/bench.sh installs it on Debian as root)');

    log(`bench: proxy paths: ${targets.map((t) => `${t.name}=${t.address}:${t.port}`).join(', ')} ...`);
    const proxyRows = SECTIONS.has('proxy') ? await benchProxy(targets, notes, log) : [];

    let pageLoad: PageLoadRow[] = [];
    if (SECTIONS.has('page') && targets.some((t) => t.name === 'dual')) {
      log(`bench: ${PAGE_MODULES}-module page load in Chromium ...`);
      const pageHost = `${pageId}.localhost:${pagePort}`;
      pageLoad = await benchPageLoad(
        [
          { name: 'direct to the container, HTTP/1.1', url: `http://${pageIp}:${pagePort}/` },
          { name: 'through dual, HTTP/1.1', url: `http://${pageHost}/` },
          { name: 'through dual, HTTPS + h2', url: `https://${pageHost}/` },
        ],
        tlsPaths(env.home).caCert,
        env.path('browser-home'),
        { proxyPid: proxy.pid, devServerCpuMs: await containerCpuReader(`dual-${pageId}`) },
        log,
      );
    }

    // Real apps last: their dev servers would otherwise share the cores with wrk.
    const frameworks: FrameworkTiming[] = [];
    const seeds: SeedTiming[] = [];
    if ((SECTIONS.has('apps') || SECTIONS.has('seed')) && targets.some((t) => t.name === 'dual')) {
      try {
        await requireRegistry();
        if (SECTIONS.has('apps')) for (const app of [VITE_APP, NEXT_APP]) frameworks.push(await benchFramework(env, app, port, log));
        // Issue 11: a new branch with and without a seeded node_modules.
        if (SECTIONS.has('seed')) for (const app of [VITE_APP, NEXT_APP]) seeds.push(await benchSeed(env, app, port, log));
      } catch (error) {
        log(`bench: real apps: ${(error as Error).message}`);
        notes.push(`Real Vite/Next.js apps not measured: ${(error as Error).message.split('\n')[0]}`);
      }
    }

    const date = new Date().toISOString().replace(/:\d\d\.\d+Z$/, 'Z').replace('T', ' ');
    const environment = `${versions(env.docker, nginxBin, caddyBin)} Load average (1 min): ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end.`;
    const markdown = renderMarkdown({
      date,
      environment,
      exec,
      create,
      frameworks,
      proxy: proxyRows,
      pageLoad,
      pageModules: PAGE_MODULES,
      notes,
      command: PARTIAL ? `BENCH_ONLY=${[...SECTIONS].join(',')} npm run bench` : 'npm run bench',
    });
    process.stdout.write(`\n${markdown}`);
    if (seeds.length > 0) {
      const seedMarkdown = renderSeedMarkdown(date, environment, seeds);
      process.stdout.write(`\n${seedMarkdown}`);
      recordInFile(join(env.checkout, 'BENCHMARKS.md'), seedMarkdown, 'seed');
      log('bench: seeded-dependency rows recorded in BENCHMARKS.md');
    }
    if (PARTIAL) {
      log(`bench: partial run (BENCH_ONLY=${[...SECTIONS].join(',')}): BENCHMARKS.md left as it is`);
    } else {
      recordInFile(join(env.checkout, 'BENCHMARKS.md'), markdown);
      log('bench: recorded in BENCHMARKS.md');
    }
  } finally {
    await cleanup();
  }
}

function versions(docker: string, nginx: string | undefined, caddy: string | undefined): string {
  const quiet = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch {
      return '?';
    }
  };
  const engine = quiet(docker, ['version', '--format', '{{.Server.Version}}']);
  const nginxVersion = nginx ? (quiet('sh', ['-c', `${nginx} -v 2>&1`]).split('/')[1] ?? '?') : 'not installed';
  const caddyVersion = caddy ? (quiet(caddy, ['version']).split(' ')[0] ?? '?') : 'not installed';
  return `Node ${process.version}, Docker engine ${engine}, nginx ${nginxVersion}, Caddy ${caddyVersion}.`;
}

main().catch((error: Error) => {
  log(`bench: failed: ${error.message}`);
  process.exitCode = 1;
});
