import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page, WebSocket } from 'playwright-core';

/**
 * What the real-framework tests share: the fixture apps (test/fixtures/real/*, each with a
 * committed package.json and package-lock.json), the npm cache kept between runs, and the
 * check that the npm registry answers at all.
 */
const REAL = fileURLToPath(new URL('../fixtures/real', import.meta.url));

export interface RealApp {
  name: 'vite' | 'next';
  fixture: string;
  /** The file whose MESSAGE constant the tests edit (a React component holding a counter). */
  component: string;
  /** The dev server command, listening on 0.0.0.0:$PORT (set in the container's env). */
  start: string;
  /** The env variable the page shows in #setting (a `.dual.json` change makes it appear). */
  settingVar: string;
  /** Fixed env for the dev server. */
  env: Record<string, string>;
}

export const VITE_APP: RealApp = {
  name: 'vite',
  fixture: 'vite-app',
  component: 'src/App.tsx',
  start: 'npm run dev -- --host 0.0.0.0 --port "$PORT" --strictPort',
  settingVar: 'VITE_SETTING',
  env: {},
};

export const NEXT_APP: RealApp = {
  name: 'next',
  fixture: 'next-app',
  component: 'app/counter.js',
  start: 'npm run dev -- --hostname 0.0.0.0 --port "$PORT"',
  settingVar: 'APP_SETTING',
  env: { NEXT_TELEMETRY_DISABLED: '1' },
};

/** The fixture's files (node_modules and build output excluded) for makeRepo; `fixtures` for a bundled caller (the bench). */
export function appFiles(app: RealApp, fixtures = REAL): Record<string, string> {
  const root = join(fixtures, app.fixture);
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === '.next' || name === 'dist') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(root, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  return files;
}

/**
 * npm's downloads, kept between runs outside every worktree and DUAL_HOME, given to dual as
 * its `npmCache` setting: a warm run installs Next.js in seconds instead of re-downloading it.
 */
export function sharedNpmCache(): string {
  const dir = process.env.DUAL_TEST_NPM_CACHE ?? join(homedir(), '.cache', 'dual-test', 'npm');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The frameworks come from the npm registry, installed inside the containers. When the
 * registry cannot be reached these tests cannot say anything: fail with one line saying so
 * (never skip: a suite that silently skips its real-world tests proves nothing).
 */
export async function requireRegistry(): Promise<void> {
  try {
    await promisify(execFile)('npm', ['ping', '--fetch-retries=0', '--fetch-timeout=15000'], { timeout: 30_000 });
  } catch (error) {
    const detail = String((error as { stderr?: string }).stderr ?? (error as Error).message).split('\n').find((l) => /ERR|error/i.test(l)) ?? '';
    throw new Error(`the npm registry cannot be reached from this machine (npm ping failed: ${detail.trim()}); the real Vite and Next.js tests install their dependencies from it`);
  }
}

/** Replaces the MESSAGE constant in a worktree's component, as an editor on the host would. */
export function editMessage(worktree: string, app: RealApp, message: string): void {
  const file = join(worktree, app.component);
  const text = readFileSync(file, 'utf8');
  const next = text.replace(/const MESSAGE = '[^']*';/, `const MESSAGE = '${message}';`);
  if (next === text) throw new Error(`no MESSAGE constant in ${file}`);
  writeFileSync(file, next);
}

/**
 * Resolves once a WebSocket of the page has received its first frame: the dev server's HMR
 * socket is open through the proxy (Vite and Next.js both greet a new client). Register
 * before navigating.
 */
export function hmrConnected(page: Page, timeoutMs = 60_000): Promise<void> {
  let onSocket: (ws: WebSocket) => void = () => undefined;
  const connected = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no HMR WebSocket frame within ${timeoutMs} ms`)), timeoutMs);
    onSocket = (ws) =>
      ws.once('framereceived', () => {
        clearTimeout(timer);
        resolve();
      });
    page.on('websocket', onSocket);
  }).finally(() => page.off('websocket', onSocket));
  // A navigation that failed first leaves this unawaited: its timeout must not surface as unhandled.
  connected.catch(() => undefined);
  return connected;
}

export const textOf = (page: Page, selector: string) => page.locator(selector).textContent();

/** Playwright polls in the page: no sleeps. */
export const waitForText = (page: Page, selector: string, text: string, timeout = 60_000) =>
  page.waitForFunction(([s, t]) => document.querySelector(s!)?.textContent === t, [selector, text] as const, { timeout });
