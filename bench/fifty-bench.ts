// DUAL_BENCH_FIFTY=1 npm run bench (or =only): fifty workspaces of the real Vite app on one machine.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo } from '../test/helpers/git-repo.js';
import { appFiles, requireRegistry, VITE_APP } from '../test/real/real-app.js';
import { BenchEnv } from './bench-env.js';
import { removeLabelled } from './cleanup.js';
import { startDualProxy, type RunningProxy } from './dual-proxy.js';
import { waitServing } from './http-probe.js';
import { recordInFile } from './report.js';
import { fmt, median } from './stats.js';
import { timedOk } from './timed-run.js';
import { freePort } from './tools.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const COUNT = Number(process.env.DUAL_BENCH_FIFTY_COUNT ?? 50);
/** Creates at once: the 2 cores are shared by npm ci and Vite's start. */
const PARALLEL = 4;
/** One "minute" of idle.stopAfterMinutes for this run's proxy: a workspace sleeps 20 s after its last use. */
const IDLE_MINUTE_MS = 20_000;

interface Listed {
  id: string;
  state: string;
}

/**
 * Fifty branches of the Vite fixture, each `setup: npm ci` (warm npm cache) and Vite's dev
 * server, with `idle.stopAfterMinutes: 1`: created 4 at a time through the CLI while `dual
 * proxy` runs, then left alone until most are asleep. Measured: total create time, the idle
 * state's memory and CPU (docker stats of every container still running, proxy RSS and CPU),
 * `dual list` and `dual status` at fifty, the proxy's route-table update after an engine
 * change, and the first byte of the first request to a sleeping workspace.
 */
async function main(): Promise<void> {
  const env = new BenchEnv();
  const repo = `${env.repo}-fifty`;
  let proxy: RunningProxy | undefined;
  try {
    await requireRegistry();
    const port = await freePort();
    const dualJson = { image: 'dual-test/node', setup: 'npm ci', start: VITE_APP.start, ports: [port], env: { PORT: String(port) }, idle: { stopAfterMinutes: 1 } };
    const branches = Array.from({ length: COUNT }, (_, i) => `ws-${String(i + 1).padStart(2, '0')}`);
    makeRepo(env.path(repo), { ...appFiles(VITE_APP, join(env.checkout, 'test', 'fixtures', 'real')), '.dual.json': JSON.stringify(dualJson) }, Object.fromEntries(branches.map((b) => [b, {}])));
    await env.dual('add', env.path(repo), '--name', repo);

    process.env.DUAL_IDLE_MINUTE_MS = String(IDLE_MINUTE_MS);
    proxy = startDualProxy(env, [port]);
    await waitServing('127.0.0.1', port, `localhost:${port}`, 'dual proxy', proxy.exited, 30_000, true);
    const proxyPid = Number(readFileSync(env.path('proxy.pid'), 'utf8'));

    log(`bench: fifty: creating ${COUNT} Vite workspaces, ${PARALLEL} at a time ...`);
    const started = performance.now();
    const perCreate: number[] = [];
    const queue = [...branches];
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        for (let branch = queue.shift(); branch; branch = queue.shift()) {
          perCreate.push(await timedOk(process.execPath, [env.dualBin, 'create', repo, branch], env.env));
          log(`bench: fifty: created ${perCreate.length}/${COUNT}`);
        }
      }),
    );
    const createTotal = performance.now() - started;

    const summary = await dashboardSummary(port);
    const routable = summary.filter((w) => branches.some((b) => w.id === `${repo}-${b}`)).length;

    log('bench: fifty: waiting until every workspace is asleep ...');
    const asleepAfter = performance.now();
    let listed: Listed[] = [];
    for (const deadline = Date.now() + 10 * 60_000; Date.now() < deadline; await pause(2_000)) {
      listed = await list(env);
      if (listed.filter((w) => w.state === 'sleeping').length >= COUNT) break;
    }
    const sleeping = listed.filter((w) => w.state === 'sleeping').length;
    const allAsleepMs = performance.now() - asleepAfter;

    // The idle state: what still runs, and what the proxy costs meanwhile.
    const idle = containerUsage(env);
    const proxyCpu = await cpuSeconds(proxyPid, 30_000);
    const proxyRss = rssBytes(proxyPid);

    log('bench: fifty: dual list / dual status ...');
    const listMs: number[] = [];
    const statusMs: number[] = [];
    for (let i = 0; i < 5; i++) listMs.push(await timedOk(process.execPath, [env.dualBin, 'list'], env.env));
    for (let i = 0; i < 3; i++) statusMs.push(await timedOk(process.execPath, [env.dualBin, 'status'], env.env));

    log('bench: fifty: route table updates and wakes ...');
    const routeMs: number[] = [];
    const wakeMs: number[] = [];
    for (const branch of branches.slice(0, 3)) {
      const id = `${repo}-${branch}`;
      // An engine change the proxy learns from Docker's events: start by hand, then seen running.
      execFileSync(env.docker, ['start', `dual-${id}`], { stdio: 'ignore' });
      const t0 = performance.now();
      await until(async () => (await dashboardSummary(port)).find((w) => w.id === id)?.state === 'running');
      routeMs.push(performance.now() - t0);
      await env.dual('sleep', id);
      await until(async () => (await dashboardSummary(port)).find((w) => w.id === id)?.state !== 'running');
      wakeMs.push(await firstByte(port, `${id}.localhost:${port}`));
    }

    const markdown = [
      `## Fifty workspaces (Vite fixture, idle sleep)`,
      '',
      `${new Date().toISOString().replace(/:\d\d\.\d+Z$/, 'Z').replace('T', ' ')}, ${COUNT} branches of test/fixtures/real/vite-app, each \`setup: npm ci\` (warm npm cache) and Vite's dev server, \`idle.stopAfterMinutes: 1\` with the proxy's minute at ${IDLE_MINUTE_MS / 1000} s (DUAL_IDLE_MINUTE_MS). \`DUAL_BENCH_FIFTY=only npm run bench\`. One run on a 2-core machine shared with other engineers' test runs (load average ${loadAverage()}).`,
      '',
      '| what | figure |',
      '| --- | --- |',
      `| total create time, ${COUNT} × \`dual create\`, ${PARALLEL} at a time | ${fmt(createTotal / 1000, ' s')} (one create: median ${fmt(median(perCreate) / 1000, ' s')}) |`,
      `| routable (in the proxy's route table) | ${routable} / ${COUNT} |`,
      `| asleep after the last create + ${fmt(allAsleepMs / 1000, ' s')} | ${sleeping} / ${COUNT} |`,
      `| idle state: containers still running | ${idle.running} (their memory ${fmt(idle.memoryBytes / 2 ** 20, ' MiB')}, CPU ${fmt(idle.cpuPercent, ' %')}) |`,
      `| proxy RSS at ${COUNT} | ${fmt(proxyRss / 2 ** 20, ' MiB')} |`,
      `| proxy CPU while all sleep (30 s) | ${fmt(proxyCpu, ' s')} |`,
      `| \`dual list\` at ${COUNT} (median of ${listMs.length}) | ${fmt(median(listMs), ' ms')} |`,
      `| \`dual status\` at ${COUNT} (median of ${statusMs.length}) | ${fmt(median(statusMs), ' ms')} |`,
      `| route table update: \`docker start\` returned to the proxy showing it running (median of ${routeMs.length}) | ${fmt(median(routeMs), ' ms')} |`,
      `| wake: first byte of the first request to a sleeping Vite workspace (median of ${wakeMs.length}; ${wakeMs.map((m) => fmt(m / 1000, ' s')).join(', ')}) | ${fmt(median(wakeMs) / 1000, ' s')} |`,
      '',
    ].join('\n');
    process.stdout.write(`\n${markdown}`);
    recordInFile(join(env.checkout, 'BENCHMARKS.md'), markdown, 'fifty');
    log('bench: fifty: recorded in BENCHMARKS.md');
  } finally {
    await proxy?.stop();
    log(`bench: fifty: removed ${await removeLabelled(repo)} container(s)`);
  }
}

async function list(env: BenchEnv): Promise<Listed[]> {
  const out = execFileSync(process.execPath, [env.dualBin, 'list', '--json'], { env: { ...process.env, ...env.env }, encoding: 'utf8' });
  return JSON.parse(out) as Listed[];
}

/** The proxy's own view (its route table), from the dashboard's JSON summary. */
function dashboardSummary(port: number): Promise<Listed[]> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers: { host: `localhost:${port}`, accept: 'application/json' }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve((JSON.parse(body) as { workspaces: Listed[] }).workspaces));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** ms from sending GET (a script's Accept, so the proxy holds it through the wake) to the first byte of a 200. */
function firstByte(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers: { host, accept: '*/*' }, agent: false }, (res) => {
      res.once('data', () => {
        if (res.statusCode !== 200) reject(new Error(`${host} answered ${res.statusCode} to the first request`));
        else resolve(performance.now() - t0);
        res.resume();
      });
    });
    req.on('error', reject);
  });
}

function containerUsage(env: BenchEnv): { running: number; memoryBytes: number; cpuPercent: number } {
  const ids = execFileSync(env.docker, ['ps', '-q', '--filter', `label=dual.home=${env.home}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (ids.length === 0) return { running: 0, memoryBytes: 0, cpuPercent: 0 };
  const lines = execFileSync(env.docker, ['stats', '--no-stream', '--format', '{{.MemUsage}}\t{{.CPUPerc}}', ...ids], { encoding: 'utf8' }).split('\n').filter(Boolean);
  let memoryBytes = 0;
  let cpuPercent = 0;
  for (const line of lines) {
    const [mem = '', cpu = '0'] = line.split('\t');
    memoryBytes += toBytes(mem.split('/')[0]!.trim());
    cpuPercent += Number.parseFloat(cpu);
  }
  return { running: ids.length, memoryBytes, cpuPercent };
}

function toBytes(text: string): number {
  const match = /^([0-9.]+)\s*([KMG]i?B|B)$/.exec(text);
  if (!match) return 0;
  const unit = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, KB: 1e3, MB: 1e6, GB: 1e9 }[match[2]!] ?? 1;
  return Number(match[1]) * unit;
}

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:')) ?? '';
  return Number(/([0-9]+)/.exec(line)?.[1] ?? 0) * 1024;
}

/** utime+stime of a process over `ms`, in CPU seconds. */
async function cpuSeconds(pid: number, ms: number): Promise<number> {
  const ticks = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  const before = ticks();
  await pause(ms);
  return (ticks() - before) / 100;
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await pause(10)) if (await check().catch(() => false)) return;
  throw new Error('timed out');
}

main().catch((error: Error) => {
  log(`bench: fifty: failed: ${error.message}`);
  process.exitCode = 1;
});
