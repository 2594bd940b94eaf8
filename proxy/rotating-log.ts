import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';

/** logs/proxy.log is cut at this size into proxy.log.1 (one old file kept): at most about 2 x this on disk. */
const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;

/** DUAL_PROXY_LOG_MAX_BYTES overrides the bound (tests use a few KiB). */
function logMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.DUAL_PROXY_LOG_MAX_BYTES);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_LOG_MAX_BYTES;
}

/**
 * The background proxy's log file, bounded: when the next line would take it past
 * `maxBytes`, the file becomes `<file>.1` (replacing the older one) and a new file starts.
 * Writes are synchronous, like pino's own sync destination: a crash loses no line.
 * Only the proxy process rotates; the supervisor's few lines are appended (appendLogLine),
 * so a file can exceed the bound by those lines, never without limit.
 */
export class RotatingLogFile extends Writable {
  private fd = -1;
  private size = 0;

  constructor(
    readonly file: string,
    private readonly maxBytes: number = logMaxBytes(),
  ) {
    super({ decodeStrings: true });
    this.open();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      if (this.size > 0 && this.size + chunk.length > this.maxBytes) this.rotate();
      writeSync(this.fd, chunk);
      this.size += chunk.length;
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    closeSync(this.fd);
    callback();
  }

  private rotate(): void {
    closeSync(this.fd);
    renameSync(this.file, `${this.file}.1`);
    this.open();
  }

  private open(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    this.fd = openSync(this.file, 'a');
    this.size = fstatSync(this.fd).size;
  }
}

/** One line from another process (the supervisor): opened, appended, closed, so it always lands in the current file. */
export function appendLogLine(file: string, line: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, line.endsWith('\n') ? line : `${line}\n`);
  } catch {
    // A log that cannot be written must not stop the proxy from being supervised.
  }
}
