import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The one way dual writes a file others read while it may change (config.json, the proxy's
 * state, the trust record, the CA bundle for containers): a temp file beside it, then a
 * rename, so a reader or a crash never sees half a file. A failed write leaves no temp file.
 */
export function writeFileAtomic(file: string, content: string, options: { mode?: number; dirMode?: number } = {}): void {
  mkdirSync(dirname(file), { recursive: true, mode: options.dirMode });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temp, content, { mode: options.mode });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export function writeJsonAtomic(file: string, value: unknown, options: { pretty?: boolean; dirMode?: number } = {}): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, options.pretty ? 2 : undefined)}\n`, { dirMode: options.dirMode });
}
