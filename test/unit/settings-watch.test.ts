import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProxySettings } from '../../src/adapters/config/settings.js';
import type { ProxyLog } from '../../proxy/log.js';
import { watchSettings } from '../../proxy/settings-watch.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as ProxyLog;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('watchSettings: config.json edits reach the proxy', () => {
  it('reads a file rewritten in place (truncate, then write) once it is whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dual-settings-'));
    dirs.push(dir);
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ proxy: { headersTimeoutSeconds: 30 } }));
    const seen: ProxySettings[] = [];
    const watcher = watchSettings(file, quiet, (settings) => seen.push(settings));
    try {
      await watcher.ready;
      // An editor's in-place save: the truncation is seen first; the content lands a moment later,
      // inside the window where chokidar drops a second change event.
      for (const [seconds, gapMs] of [[1, 5], [2, 10], [3, 30], [4, 5], [5, 10], [6, 30]]) {
        writeFileSync(file, '');
        await new Promise((r) => setTimeout(r, gapMs));
        writeFileSync(file, JSON.stringify({ proxy: { headersTimeoutSeconds: seconds } }));
        await until(() => seen.at(-1)?.headersTimeoutSeconds === seconds, `headersTimeoutSeconds ${seconds} after a ${gapMs} ms gap`);
      }
      expect(seen.at(-1)?.headersTimeoutSeconds).toBe(6);
    } finally {
      await watcher.close();
    }
  });
});
