import { watch } from 'chokidar';
import { loadSettings, type ProxySettings } from '../src/adapters/config/settings.js';
import type { ProxyLog } from './log.js';

/**
 * Re-reads config.json when it changes and hands over the proxy section. A broken file is
 * reported and ignored: the proxy keeps the last good settings rather than stopping.
 */
export function watchSettings(file: string, log: ProxyLog, apply: (settings: ProxySettings) => void): { ready: Promise<void>; close(): Promise<void> } {
  // Writers replace the file (temp + rename); chokidar's atomic handling turns that into one change.
  // Writers that rewrite in place (truncate, then write) fire two changes, and chokidar drops a
  // change that follows another within 50 ms: reading on the first would see an empty file and
  // the real content would never be read. So a change is read once the size has held still.
  const watcher = watch(file, { ignoreInitial: true, atomic: true, awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 25 } });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  const reload = () => {
    try {
      apply(loadSettings(file).proxy);
      log.info(`applied settings from ${file}`);
    } catch (error) {
      log.error(`${(error as Error).message}; keeping the previous settings`);
    }
  };
  watcher.on('add', reload).on('change', reload).on('unlink', reload);
  watcher.on('error', (error) => log.warn('config watcher failed', { error: String(error) }));
  return { ready, close: () => watcher.close() };
}
