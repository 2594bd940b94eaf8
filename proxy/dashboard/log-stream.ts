import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { DashboardEngine } from './engine.js';
import { openEventStream } from './sse.js';

/** At most this many lines of history; then the stream follows. */
const MAX_TAIL = 1_000;
const DEFAULT_TAIL = 200;
/** A chatty container must not flood the page: chunks are cut to this size. */
const MAX_CHUNK = 16 * 1024;

export function parseTail(value: string | null): number {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, MAX_TAIL) : DEFAULT_TAIL;
}

/**
 * A container's recent output, then its new output as it comes, as server-sent events
 * (`log` frames `{stream, text}`, then `end` when the container stops). Text is sent as
 * JSON data and the page puts it in a text node: a log line is never markup.
 */
export function streamLogs(res: ServerResponse, engine: DashboardEngine, containerId: string, tail: number): void {
  const abort = new AbortController();
  const events = openEventStream(res, () => abort.abort());
  const sink = (stream: 'stdout' | 'stderr') => {
    // Docker's chunks can split a multi-byte character; the decoder carries it to the next one.
    const decoder = new StringDecoder('utf8');
    return new Writable({
      write(chunk: Buffer, _encoding, callback) {
        const text = decoder.write(chunk);
        for (let i = 0; i < text.length; i += MAX_CHUNK) events.send('log', { stream, text: text.slice(i, i + MAX_CHUNK) });
        callback();
      },
    });
  };
  engine
    .logs(containerId, { follow: true, tail, stdout: sink('stdout'), stderr: sink('stderr'), signal: abort.signal })
    .then(
      () => {
        events.send('end', { reason: 'the container stopped' });
        events.end();
      },
      (error: unknown) => {
        events.send('end', { reason: `cannot read the logs: ${(error as Error).message.split('\n')[0]}` });
        events.end();
      },
    );
}
