import type { ServerResponse } from 'node:http';
import { API_HEADERS } from './headers.js';

const HEARTBEAT_MS = 15_000;

/**
 * A server-sent-events answer: `event:`/`data:` frames, a comment every 15 s so idle
 * connections are not taken for dead, and `onClose` once the client leaves. Data is always
 * one JSON line, so no payload can forge a frame boundary.
 */
export interface EventStream {
  send(event: string, data: unknown): void;
  /** Sends an already serialised JSON value. */
  sendJson(event: string, json: string): void;
  end(): void;
  readonly closed: boolean;
}

export function openEventStream(res: ServerResponse, onClose: () => void): EventStream {
  res.writeHead(200, { ...API_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  let closed = false;
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    onClose();
  };
  res.once('close', close);
  const stream: EventStream = {
    send: (event, data) => stream.sendJson(event, JSON.stringify(data)),
    sendJson: (event, json) => {
      if (!closed) res.write(`event: ${event}\ndata: ${json}\n\n`);
    },
    end: () => {
      res.end();
      close();
    },
    get closed() {
      return closed;
    },
  };
  return stream;
}
