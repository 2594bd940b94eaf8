import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { DUAL_BIN } from '../helpers/cli.js';
import { stopChild } from '../helpers/processes.js';
import { watchNetworkChanges } from './network-changes.js';

const HMR_APP = fileURLToPath(new URL('../fixtures/hmr-app', import.meta.url));
const MODULE_APP = fileURLToPath(new URL('../fixtures/module-app', import.meta.url));

/** test/fixtures/hmr-app as files for makeRepo: a dev server with hot reload, no dependencies. */
export function hmrAppFiles(): Record<string, string> {
  return Object.fromEntries(readdirSync(HMR_APP).map((name) => [name, readFileSync(join(HMR_APP, name), 'utf8')]));
}

/** test/fixtures/module-app: an unbundled page of MODULES ES modules with hot reload, as Vite serves one. */
export function moduleAppFiles(): Record<string, string> {
  return Object.fromEntries(readdirSync(MODULE_APP).map((name) => [name, readFileSync(join(MODULE_APP, name), 'utf8')]));
}

export interface ProxyChild {
  /** Everything it printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** `dual proxy --port <p>` in the foreground as a child process, the way a user runs it. */
export function startDualProxy(env: NodeJS.ProcessEnv, port: number, extraArgs: string[] = []): ProxyChild {
  const child = spawn(process.execPath, [DUAL_BIN, 'proxy', '--port', String(port), ...extraArgs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (c: Buffer) => (output = (output + c.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return {
    output: () => `dual proxy output:\n${output}`,
    stop: () => stopChild(child),
  };
}

/**
 * Headless Chromium from the system package (never a downloaded browser); playwright-core
 * gives every launch a fresh temporary profile. `extraArgs` e.g. a host resolver rule.
 *
 * --disable-auto-reload: after a navigation fails for a network reason (ERR_NETWORK_CHANGED),
 * Chromium reloads the page by itself a moment later (seen in its navigation events), and that
 * navigation races the retry of gotoSettled. With it off the page stays on the error page until
 * the retry navigates.
 */
export function launchChromium(extraArgs: string[] = [], env?: NodeJS.ProcessEnv): Promise<Browser> {
  // Watched from now on: a change that comes while Chromium starts (a container the test just
  // made) can still disturb the first navigation, and must be seen to be retried.
  watchNetworkChanges();
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    // HOME decides which NSS database (~/.pki/nssdb) Chromium trusts certificates from.
    ...(env ? { env: { ...process.env, ...env } } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-auto-reload',
      ...extraArgs,
    ],
  });
}

/**
 * Runs `attempt` again for as long as each failure came with a change of the host's network
 * (see network-changes.ts), for up to RETRY_WINDOW_MS: Docker may keep changing it for a while
 * when other test files start many containers. Any other failure is thrown at once, saying
 * whether the network changed. `errorTexts` gives what else Chromium reported meanwhile
 * (failed requests); its ERR_NETWORK_CHANGED counts too.
 */
export async function retryWhileNetworkChanges<T>(attempt: (n: number) => Promise<T>, errorTexts: () => string[] = () => []): Promise<T> {
  const network = watchNetworkChanges();
  const firstAt = Date.now();
  for (let n = 1; ; n++) {
    const startedAt = Date.now();
    try {
      return await attempt(n);
    } catch (error) {
      const message = String((error as Error).message);
      // Chromium hears of a change a moment after the kernel announces it: hence the margin.
      const disturbed = [message, ...errorTexts()].some((text) => text.includes('ERR_NETWORK_CHANGED')) || network.changedSince(startedAt - NOTICE_MARGIN_MS);
      if (!disturbed || Date.now() - firstAt > RETRY_WINDOW_MS) {
        throw new Error(`${message}\n(attempt ${n}; the host's network ${network.changedSince(startedAt) ? 'changed' : 'did not change'} during it)`, { cause: error });
      }
    }
  }
}
const NOTICE_MARGIN_MS = 2_000;
const RETRY_WINDOW_MS = 120_000;

/** `page.goto`, again while the host's network keeps disturbing it (retryWhileNetworkChanges). */
export function gotoSettled(page: Page, url: string): Promise<Response | null> {
  return retryWhileNetworkChanges(() => page.goto(url));
}
