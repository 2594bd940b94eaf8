import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page, type Request, type Response } from 'playwright-core';
import { DUAL_BIN } from '../helpers/cli.js';
import { stopChild } from '../helpers/processes.js';

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
 */
export function launchChromium(extraArgs: string[] = [], env?: NodeJS.ProcessEnv): Promise<Browser> {
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
      ...extraArgs,
    ],
  });
}

/**
 * `page.goto`, again when Chromium abandoned the navigation with ERR_NETWORK_CHANGED: it does
 * that whenever a network interface appears or goes, and every container another test file
 * starts adds one on this machine. That is the browser reacting to the host, not dual; any
 * other failure is thrown at once, with the net error Chromium gave. The code is in goto's
 * message, or, when Chromium had already moved to its error page ("interrupted by another
 * navigation to chrome-error://"), in the failed navigation request (whose event may come a
 * moment after goto gives up) or in the error page itself.
 */
export async function gotoSettled(page: Page, url: string): Promise<Response | null> {
  for (let attempt = 1; ; attempt++) {
    const failures: string[] = [];
    const onFailed = (request: Request) => {
      if (request.isNavigationRequest()) failures.push(request.failure()?.errorText ?? '');
    };
    page.on('requestfailed', onFailed);
    try {
      return await page.goto(url);
    } catch (error) {
      const message = String((error as Error).message);
      const onErrorPage = message.includes('chrome-error://') ? await netErrorOfErrorPage(page, failures) : [];
      const seen = [...failures, ...onErrorPage];
      if (attempt >= 5 || ![message, ...seen].some((text) => text.includes('ERR_NETWORK_CHANGED'))) {
        throw new Error(`${message.split('\n')[0]} (net errors seen: ${seen.join(', ') || 'none'})`, { cause: error });
      }
    } finally {
      page.off('requestfailed', onFailed);
    }
  }
}

/** The net error code Chromium's error page shows (e.g. ERR_NETWORK_CHANGED), once it has loaded. */
async function netErrorOfErrorPage(page: Page, failures: string[]): Promise<string[]> {
  await page.waitForLoadState('domcontentloaded', { timeout: 5_000 }).catch(() => undefined);
  // The navigation request's failure event can follow goto's rejection: poll for it briefly.
  for (let i = 0; i < 20 && failures.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  const text = await page.content().catch(() => '');
  return text.match(/ERR_[A-Z0-9_]+/g) ?? [];
}
