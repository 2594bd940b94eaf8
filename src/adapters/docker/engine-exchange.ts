import type { Duplex } from 'node:stream';

/** One answer of the engine, read whole (or, for an upgrade, up to the switch of protocols). */
export interface EngineAnswer {
  status: number;
  body: Buffer;
  /** Bytes after a 101's head: the first bytes of the upgraded stream. */
  rest: Buffer;
  /** The connection can carry the next request (framed body, HTTP/1.1, no `Connection: close`). */
  reusable: boolean;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** No engine answer has a head anywhere near this: a longer one is not the engine talking. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Writes one HTTP/1.1 request on a connection to the engine and reads its answer: the
 * Engine API's request/answer calls (JSON in, JSON out) and the exec upgrade. Not node:http:
 * its first request costs ~8 ms more than this (SPEC.md, Decisions, "`dual exec` starts
 * lean"), on the path every `dual exec` takes. Streamed answers (logs, events, pull
 * progress) still go through node:http (api-transport.ts).
 */
export function exchange(socket: Duplex, request: { method: string; path: string; headers: Record<string, string>; body?: string }, upgrade = false): Promise<EngineAnswer> {
  // As node:http does: a path with a space, CR or LF (an unescaped name reaching it) could
  // end the request line early and smuggle a second request. Callers encode every name.
  if (!/^\/[\x21-\x7e]*$/.test(request.path)) return Promise.reject(new Error(`refused to send an engine request with an unescaped path: ${JSON.stringify(request.path.slice(0, 80))}`));
  const lines = [`${request.method} ${request.path} HTTP/1.1`, 'Host: docker'];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`);
  if (request.body !== undefined || request.method !== 'GET') lines.push(`Content-Length: ${Buffer.byteLength(request.body ?? '')}`);
  const answer = readAnswer(socket, request.method === 'HEAD', upgrade);
  socket.write(`${lines.join('\r\n')}\r\n\r\n${request.body ?? ''}`);
  return answer;
}

function readAnswer(socket: Duplex, headRequest: boolean, upgrade: boolean): Promise<EngineAnswer> {
  return new Promise((resolve, reject) => {
    let buffer: Buffer = Buffer.alloc(0);
    let head: Head | undefined;
    const finish = (result: EngineAnswer | Error) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onError = (error: Error) => finish(error);
    // A connection that ends before the answer is whole: what node:http calls a hang-up.
    const onEnd = () => {
      if (head && head.framing.kind === 'until-end') finish({ status: head.status, body: buffer, rest: Buffer.alloc(0), reusable: false });
      else finish(Object.assign(new Error('the engine closed the connection before its answer was whole'), { code: 'ECONNRESET' }));
    };
    const onData = (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      if (!head) {
        const end = buffer.indexOf(HEAD_END);
        if (end < 0) {
          if (buffer.length > MAX_HEAD_BYTES) finish(new Error('the engine sent an answer head of over 64 KiB'));
          return;
        }
        const parsed = parseHead(buffer.subarray(0, end).toString('latin1'), headRequest, upgrade);
        if (parsed instanceof Error) return finish(parsed);
        head = parsed;
        buffer = buffer.subarray(end + HEAD_END.length);
        if (head.status === 101 && upgrade) return finish({ status: 101, body: Buffer.alloc(0), rest: buffer, reusable: false });
      }
      const body = bodyOf(buffer, head.framing);
      if (body instanceof Error) return finish(body);
      if (body) finish({ status: head.status, body, rest: Buffer.alloc(0), reusable: head.reusable });
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
  });
}

type Framing = { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'until-end' };

interface Head {
  status: number;
  framing: Framing;
  reusable: boolean;
}

function parseHead(text: string, headRequest: boolean, upgrade: boolean): Head | Error {
  const [statusLine = '', ...headerLines] = text.split('\r\n');
  const match = /^HTTP\/1\.([01]) (\d{3})/.exec(statusLine);
  if (!match) return new Error(`the engine answered something that is not HTTP: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const status = Number(match[2]);
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const closes = match[1] === '0' || /\bclose\b/i.test(headers.get('connection') ?? '');
  if (headRequest || status === 204 || status === 304 || (status === 101 && upgrade)) return { status, framing: { kind: 'length', length: 0 }, reusable: !closes };
  if (/\bchunked\b/i.test(headers.get('transfer-encoding') ?? '')) return { status, framing: { kind: 'chunked' }, reusable: !closes };
  const length = headers.get('content-length');
  if (length !== undefined) {
    if (!/^\d+$/.test(length)) return new Error(`the engine sent a bad Content-Length: ${JSON.stringify(length)}`);
    return { status, framing: { kind: 'length', length: Number(length) }, reusable: !closes };
  }
  return { status, framing: { kind: 'until-end' }, reusable: false };
}

/** The whole body once `buffer` holds it, undefined while more must come. */
function bodyOf(buffer: Buffer, framing: Framing): Buffer | Error | undefined {
  if (framing.kind === 'length') return buffer.length >= framing.length ? buffer.subarray(0, framing.length) : undefined;
  if (framing.kind === 'until-end') return undefined;
  return dechunk(buffer);
}

/** RFC 9112 chunked coding: the data of every chunk once the last chunk and the trailer section are in. */
function dechunk(buffer: Buffer): Buffer | Error | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = buffer.indexOf(CRLF, at);
    if (lineEnd < 0) return undefined;
    const sizeText = buffer.subarray(at, lineEnd).toString('latin1').split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return new Error(`the engine sent a bad chunk size: ${JSON.stringify(sizeText.slice(0, 20))}`);
    const size = parseInt(sizeText, 16);
    at = lineEnd + CRLF.length;
    if (size === 0) {
      // Trailer fields (none from the engine) up to an empty line.
      for (;;) {
        const end = buffer.indexOf(CRLF, at);
        if (end < 0) return undefined;
        if (end === at) return Buffer.concat(parts);
        at = end + CRLF.length;
      }
    }
    if (buffer.length < at + size + CRLF.length) return undefined;
    parts.push(buffer.subarray(at, at + size));
    at += size + CRLF.length;
  }
}
