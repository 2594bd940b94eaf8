import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { CreateTiming } from './create-bench.js';
import type { Timing } from './exec-bench.js';
import type { FrameworkTiming } from './framework-bench.js';
import type { PageLoadRow } from './page-load.js';
import { SEED_VARIANTS, type SeedTiming, type SeedVariant } from './seed-bench.js';
import { fmt, ratio } from './stats.js';

export type PathName = 'direct' | 'dual' | 'nginx' | 'caddy';

/** One measure across the three paths (a path missing when its tool is not installed). */
export interface ProxyRow {
  label: string;
  unit: string;
  values: Partial<Record<PathName, number>>;
}

export interface Report {
  date: string;
  environment: string;
  exec: Timing[];
  create: CreateTiming;
  frameworks: FrameworkTiming[];
  proxy: ProxyRow[];
  pageLoad: PageLoadRow[];
  pageModules: number;
  notes: string[];
  /** How the run was started: `npm run bench`, or with BENCH_ONLY for some sections. */
  command: string;
}

export function renderMarkdown(r: Report): string {
  const docker = r.exec.find((t) => t.label.includes('docker'))?.p50;
  const lines = [
    `## ${r.date}`,
    '',
    `Machine: 2 cores, noisy shared machine: ratios, not absolute truths. ${r.environment}`,
    '',
    `Command: \`${r.command}\``,
  ];
  // A partial run (BENCH_ONLY) renders only the sections it measured.
  const cli = r.exec.length > 0 || r.create.create.length > 0 || r.frameworks.length > 0;
  if (cli) lines.push(
    '',
    '### CLI (wall time, spawn to exit)',
    '',
    '| command | p50 ms | p90 ms | p50 vs docker exec |',
    '|---|---|---|---|',
    ...r.exec.map((t) => `| ${t.label} (n=${t.samples.length}) | ${fmt(t.p50)} | ${fmt(t.p90)} | ${ratio(t.p50, docker)} |`),
    `| \`dual create\` alone (warm image, n=${r.create.create.length}) | ${fmt(r.create.createP50)} | – | – |`,
    `| \`dual create\` to first \`dual exec -- true\` OK (n=${r.create.toFirstExec.length}) | ${fmt(r.create.p50)} | – | – |`,
    ...r.frameworks.flatMap((f) => {
      const name = f.app === 'vite' ? 'Vite 8 app' : 'Next.js 16 app';
      return [
        `| \`dual create\` to first 200 through the proxy, ${name} (setup \`npm ci\`, warm npm cache, n=${f.create.length}) | ${fmt(f.createP50)} | – | – |`,
        `| \`.dual.json\` env changed, \`dual restart\` to first 200 through the proxy, ${name} (n=${f.restart.length}) | ${fmt(f.restartP50)} | – | – |`,
      ];
    }),
    '',
    "The bar for `dual exec`: its own overhead at or below `docker exec`'s wall time, a ratio of at most 1.00x (SPEC.md, Decisions).",
  );
  if (r.proxy.length > 0) lines.push(
    '',
    '### Proxy: direct to the container vs dual vs nginx and Caddy',
    '',
    '| measure | direct | dual proxy | nginx | caddy | dual / direct | dual / nginx | dual / caddy | nginx / direct |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.proxy.map((row) => {
      const v = row.values;
      const cell = (n: number | undefined) => (n === undefined ? 'n/a' : fmt(n));
      return `| ${row.label} (${row.unit}) | ${cell(v.direct)} | ${cell(v.dual)} | ${cell(v.nginx)} | ${cell(v.caddy)} | ${ratio(v.dual, v.direct)} | ${ratio(v.dual, v.nginx)} | ${ratio(v.dual, v.caddy)} | ${ratio(v.nginx, v.direct)} |`;
    }),
    '',
    'Ratios are the first path divided by the second: above 1 is better for requests/s and MB/s, worse for latencies.',
  );
  if (r.pageLoad.length > 0) {
    const direct = r.pageLoad[0]!.median;
    lines.push(
      '',
      `### Dev page load: ${r.pageModules} ES modules, headless Chromium, fresh context each load, window \`load\`, median of ${r.pageLoad[0]!.samples.length}, alternating`,
      '',
      '| path | load ms | vs direct | carried by | samples ms | CPU ms per load: Chromium / proxy / dev server | CPU / 2 cores (ms) |',
      '|---|---|---|---|---|---|---|',
      ...r.pageLoad.map((p) => {
        const { chromium, proxy, devServer } = p.cpu;
        return `| ${p.name} | ${fmt(p.median)} | ${ratio(p.median, direct)} | ${p.protocol} | ${p.samples.map((s) => Math.round(s)).join(', ')} | ${fmt(chromium)} / ${fmt(proxy)} / ${fmt(devServer ?? Number.NaN)} | ${fmt((chromium + proxy + (devServer ?? 0)) / 2)} |`;
      }),
      '',
      'CPU per load is read from /proc (Chromium\'s processes, the proxy) and the dev server container\'s cgroup around each load (medians): a load cannot take less than that CPU divided by the 2 cores, whatever the protocol (SPEC.md, "Where the proxy\'s time goes").',
    );
  }
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}

/**
 * Issue 11: a new branch with and without a seeded node_modules (same setup `npm install`,
 * warm npm cache). Its own section of BENCHMARKS.md (`seed`), so `BENCH_ONLY=seed` records it.
 */
export function renderSeedMarkdown(date: string, environment: string, seeds: SeedTiming[]): string {
  const lines = [
    `## ${date}: seeded dependencies`,
    '',
    `Machine: 2 cores, noisy shared machine: ratios, not absolute truths. ${environment}`,
    '',
    'Command: `BENCH_ONLY=seed npm run bench` (or the full `npm run bench`). Wall time from spawning `dual create` to the first 200 through `dual proxy`. Same setup for every row (`setup: npm install --no-audit --no-fund`), warm npm cache; **unseeded**: the repo\'s `.dual.json` has no `seed`; **copied**: `seed: {node_modules: [package-lock.json]}`, another workspace of the repo (kept running) or the seed cache holds the same lockfile\'s node_modules; **hard links**: the same with `seed.hardLinks: true` in config.json. The three alternate, one of each per round in a rotating order; each sample shows the 1-minute load average when it ended.',
    '',
    '| measure | p50 ms | samples ms (load) | / unseeded |',
    '|---|---|---|---|',
    ...seedRows(seeds),
  ];
  return `${lines.join('\n')}\n`;
}

const SEED_LABELS: Record<SeedVariant, string> = { unseeded: '**unseeded**', copied: 'seeded, **copied** node_modules', linked: 'seeded, **hard links** (`seed.hardLinks`)' };

function seedRows(seeds: SeedTiming[]): string[] {
  return seeds.flatMap((s) => {
    const name = s.app === 'vite' ? 'Vite 8 app' : 'Next.js 16 app';
    return SEED_VARIANTS.map((v) => {
      const samples = s.samples[v].map((x) => `${Math.round(x.ms)} (${x.load.toFixed(1)})`).join(', ');
      const vs = v === 'unseeded' ? '–' : ratio(s.p50[v], s.p50.unseeded);
      return `| ${name}, ${SEED_LABELS[v]} (n=${s.samples[v].length}) | ${fmt(s.p50[v])} | ${samples} | ${vs} |`;
    });
  });
}

/** Replaces the recorded section of BENCHMARKS.md (prose around it stays), or creates the file. */
/** `name` keeps separate sections apart (`bench`, `fifty`): each run replaces only its own. */
export function recordInFile(file: string, markdown: string, name = 'bench'): void {
  const START = `<!-- ${name}:start -->`;
  const END = `<!-- ${name}:end -->`;
  const section = `${START}\n${markdown}${END}`;
  if (!existsSync(file)) {
    writeFileSync(file, `# Benchmarks\n\nRecorded by \`npm run bench\` (scripts/bench.sh, bench/); each run replaces the section below.\n\n${section}\n`);
    return;
  }
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  writeFileSync(file, from >= 0 && to > from ? `${text.slice(0, from)}${section}${text.slice(to + END.length)}` : `${text.trimEnd()}\n\n${section}\n`);
}
