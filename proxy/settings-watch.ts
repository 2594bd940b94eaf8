import { watch } from 'chokidar';
import { loadSettings, type ProxySettings } from '../src/adapters/config/settings.js';
import type { ProxyLog } from './log.js';

/**
 * Re-reads config.json when it changes and hands over the proxy section. A broken file is
 * reported and ignored: the proxy keeps the last good settings rather than stopping.
 */
export function watchSettings(file: string, log: ProxyLog, apply: (settings: ProxySettings) => void): { close(): Promise<void> } {
  // Writers replace the file (temp + rename); chokidar's atomic handling turns that into one change.
  const watcher = watch(file, { ignoreInitial: true, atomic: true });
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
  return { close: () => watcher.close() };
}
