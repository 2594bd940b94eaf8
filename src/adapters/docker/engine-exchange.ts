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
    // The head is gathered whole (it is small, at most MAX_HEAD_BYTES); the body is read
    // piece by piece as it comes, never copied again until it is whole.
    let headBytes: Buffer = Buffer.alloc(0);
    let head: Head | undefined;
    let body: BodyReader | undefined;
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
      if (head && body && head.framing.kind === 'until-end') finish({ status: head.status, body: body.all(), rest: Buffer.alloc(0), reusable: false });
      else finish(Object.assign(new Error('the engine closed the connection before its answer was whole'), { code: 'ECONNRESET' }));
    };
    const onData = (chunk: Buffer) => {
      let piece = chunk;
      if (!head) {
        headBytes = headBytes.length === 0 ? chunk : Buffer.concat([headBytes, chunk]);
        const end = headBytes.indexOf(HEAD_END);
        if (end < 0) {
          if (headBytes.length > MAX_HEAD_BYTES) finish(new Error('the engine sent an answer head of over 64 KiB'));
          return;
        }
        const parsed = parseHead(headBytes.subarray(0, end).toString('latin1'), headRequest, upgrade);
        if (parsed instanceof Error) return finish(parsed);
        head = parsed;
        piece = headBytes.subarray(end + HEAD_END.length);
        if (head.status === 101 && upgrade) return finish({ status: 101, body: Buffer.alloc(0), rest: piece, reusable: false });
        body = new BodyReader(head.framing);
      }
      const whole = body!.push(piece);
      if (whole instanceof Error) return finish(whole);
      if (whole) finish({ status: head.status, body: whole, rest: Buffer.alloc(0), reusable: head.reusable });
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

/**
 * Reads a body in the pieces the connection delivers: by Content-Length, RFC 9112 chunked
 * coding, or up to the connection's end. Each byte is looked at once; the data is joined once.
 */
class BodyReader {
  private readonly parts: Buffer[] = [];
  private received = 0;
  /** Chunked coding: what is being read, and the bytes of a size or trailer line not yet ended. */
  private chunkState: 'size' | 'data' | 'data-end' | 'trailer' = 'size';
  private line: Buffer = Buffer.alloc(0);
  private chunkLeft = 0;

  constructor(private readonly framing: Framing) {}

  /** The whole body once this piece completes it; undefined while more must come. */
  push(piece: Buffer): Buffer | Error | undefined {
    if (this.framing.kind === 'length') {
      const wanted = this.framing.length - this.received;
      if (piece.length > 0) this.keep(piece.subarray(0, wanted));
      return this.received >= this.framing.length ? this.all() : undefined;
    }
    if (this.framing.kind === 'until-end') {
      if (piece.length > 0) this.keep(piece);
      return undefined;
    }
    return this.dechunk(piece);
  }

  all(): Buffer {
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.received);
  }

  private keep(data: Buffer): void {
    this.parts.push(data);
    this.received += data.length;
  }

  private dechunk(piece: Buffer): Buffer | Error | undefined {
    let at = 0;
    while (at < piece.length) {
      if (this.chunkState === 'data') {
        const take = Math.min(this.chunkLeft, piece.length - at);
        this.keep(piece.subarray(at, at + take));
        at += take;
        this.chunkLeft -= take;
        if (this.chunkLeft === 0) this.chunkState = 'data-end';
        continue;
      }
      const lineEnd = piece.indexOf(0x0a, at);
      this.line = Buffer.concat([this.line, piece.subarray(at, lineEnd < 0 ? piece.length : lineEnd + 1)]);
      if (this.line.length > MAX_HEAD_BYTES) return new Error('the engine sent a chunk line of over 64 KiB');
      if (lineEnd < 0) return undefined;
      at = lineEnd + 1;
      if (!this.line.subarray(-2).equals(CRLF)) return new Error('the engine sent a chunk line not ended by CRLF');
      const text = this.line.subarray(0, -2).toString('latin1');
      this.line = Buffer.alloc(0);
      if (this.chunkState === 'data-end') {
        if (text !== '') return new Error('the engine sent chunk data longer than its size');
        this.chunkState = 'size';
      } else if (this.chunkState === 'trailer') {
        // Trailer fields (none from the engine) up to an empty line.
        if (text === '') return this.all();
      } else {
        const sizeText = text.split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return new Error(`the engine sent a bad chunk size: ${JSON.stringify(sizeText.slice(0, 20))}`);
        this.chunkLeft = parseInt(sizeText, 16);
        this.chunkState = this.chunkLeft === 0 ? 'trailer' : 'data';
      }
    }
    return undefined;
  }
}
