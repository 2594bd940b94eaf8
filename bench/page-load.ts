import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/browser/browser-fixtures.js';
import { chromiumCpuSince, chromiumCpuSnapshot, processCpuMs } from './process-cpu.js';
import { median } from './stats.js';

export interface PagePath {
  name: string;
  url: string;
}

export interface PageLoadRow {
  name: string;
  /** Median of `samples`, ms from navigation start to the window `load` event. */
  median: number;
  samples: number[];
  /** What the page's own requests were carried by (h2, http/1.1). */
  protocol: string;
  /** Median CPU ms per load of each party (SPEC.md "What bounds the page load"): on 2 cores a load takes at least their sum / 2. */
  cpu: { chromium: number; proxy: number; devServer: number | undefined };
}

/** Where the CPU of a load is read: the proxy's process and the dev server's container. */
export interface LoadParties {
  proxyPid: number | undefined;
  devServerCpuMs: () => number | undefined;
}

type Sample = { ms: number; chromium: number; proxy: number; devServer: number | undefined };

/** BENCH_PAGE_ROUNDS overrides it for a quick look; the recorded run keeps 7. */
export const PAGE_ROUNDS = Number(process.env.BENCH_PAGE_ROUNDS) || 7;
/** Loads abandoned on a network change are repeated; on a machine busy starting containers that is often. */
const MAX_ATTEMPTS = 30;

/**
 * Loads of an unbundled page (test/fixtures/module-app: `/`, main.js and MODULES small ES
 * modules, each its own request) in headless Chromium, a fresh browser context each time (no
 * cache, no open connection), paths alternating round by round. The figure is the page's own
 * `loadEventStart` (navigation start to window load). Chromium trusts dual's CA through an NSS
 * database in a temp HOME (`caFile`), the way `dual trust` sets up a user's browser.
 */
export async function benchPageLoad(
  paths: readonly PagePath[],
  caFile: string,
  tempHome: string,
  parties: LoadParties,
  log: (line: string) => void,
): Promise<PageLoadRow[]> {
  const nssdb = join(tempHome, '.pki', 'nssdb');
  mkdirSync(nssdb, { recursive: true });
  execFileSync('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password']);
  execFileSync('certutil', ['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'dual bench CA', '-i', caFile]);
  const browser: Browser = await launchChromium([], { HOME: tempHome });
  const samples = new Map<string, Sample[]>();
  const protocols = new Map<string, string>();
  try {
    const loadOnce = async (path: PagePath, attempt = 1): Promise<Sample> => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        // Chromium keeps 250 resource timing entries by default: room for all the page's requests.
        await page.addInitScript(() => performance.setResourceTimingBufferSize(10_000));
        page.setDefaultTimeout(120_000);
        const failed: string[] = [];
        page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText ?? '?'}`));
        // CPU is read around the navigation only: the context's own set-up and close are not the load's.
        const chromium0 = chromiumCpuSnapshot();
        const proxy0 = processCpuMs(parties.proxyPid);
        const devServer0 = parties.devServerCpuMs();
        try {
          await page.goto(path.url, { waitUntil: 'load' });
        } catch (error) {
          // The navigation itself can be the request a network change abandoned.
          if ((error as Error).message.includes('net::ERR_NETWORK_CHANGED') && attempt < MAX_ATTEMPTS) return loadOnce(path, attempt + 1);
          throw error;
        }
        // Chromium drops requests in flight when a network interface comes or goes (a container
        // started by anyone on this machine): that sample says nothing about the path; load again.
        const chromium = chromiumCpuSince(chromium0);
        const proxy = processCpuMs(parties.proxyPid) - proxy0;
        const devServer1 = parties.devServerCpuMs();
        const devServer = devServer0 !== undefined && devServer1 !== undefined ? devServer1 - devServer0 : undefined;
        if (failed.some((f) => f.endsWith('net::ERR_NETWORK_CHANGED')) && attempt < MAX_ATTEMPTS) return loadOnce(path, attempt + 1);
        const result = await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
          const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
          return { load: nav.loadEventStart, loaded: document.body.dataset.loaded === 'yes', protocol: resources[resources.length - 1]?.nextHopProtocol ?? nav.nextHopProtocol, count: resources.length };
        });
        if (!result.loaded) throw new Error(`${path.url}: the page's modules did not all run (${failed.length} failed: ${failed.slice(0, 3).join('; ')})`);
        protocols.set(path.name, `${result.protocol}, ${result.count + 1} requests`);
        return { ms: result.load, chromium, proxy, devServer };
      } finally {
        await context.close();
      }
    };
    for (const path of paths) await loadOnce(path); // warm-up: the dev server's first answers, the proxy's first leaf
    for (let round = 0; round < PAGE_ROUNDS; round++) {
      for (const path of paths) {
        const sample = await loadOnce(path);
        log(
          `  page ${path.name} round ${round + 1}: ${Math.round(sample.ms)} ms; CPU ms: Chromium ${sample.chromium}, proxy ${sample.proxy}, dev server ${Math.round(sample.devServer ?? Number.NaN)}`,
        );
        samples.set(path.name, [...(samples.get(path.name) ?? []), sample]);
      }
    }
  } finally {
    await browser.close();
  }
  return paths.map((p) => {
    const own = samples.get(p.name) ?? [];
    const devServer = own.map((s) => s.devServer).filter((ms): ms is number => ms !== undefined);
    return {
      name: p.name,
      median: median(own.map((s) => s.ms)),
      samples: own.map((s) => s.ms),
      protocol: protocols.get(p.name) ?? '?',
      cpu: { chromium: median(own.map((s) => s.chromium)), proxy: median(own.map((s) => s.proxy)), devServer: devServer.length > 0 ? median(devServer) : undefined },
    };
  });
}
