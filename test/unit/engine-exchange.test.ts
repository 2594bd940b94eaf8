import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange } from '../../src/adapters/docker/engine-exchange.js';

/**
 * engine-exchange.ts against a real unix socket whose server sends canned answers cut into
 * small pieces (as a kernel may deliver them): every framing the Engine API uses, and the
 * ways an answer can be broken.
 */
describe('one HTTP/1.1 exchange with the engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dual-exchange-'));
  const path = join(dir, 'engine.sock');
  let answers: string[] = [];
  let requests: string[] = [];
  let pieceSize = 7;
  let server: Server;

  beforeAll(async () => {
    server = createServer((socket) => {
      // The client may hang up while pieces are still being sent (the cut-short answers).
      socket.on('error', () => undefined);
      socket.on('data', (data) => {
        requests.push(data.toString('utf8'));
        const answer = answers.shift();
        if (answer === undefined) return;
        void sendInPieces(socket, answer.replace('<END>', ''), answer.endsWith('<END>'), pieceSize);
      });
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function ask(answer: string, request = { method: 'GET', path: '/x', headers: {} as Record<string, string>, body: undefined as string | undefined }, upgrade = false) {
    answers = [answer];
    requests = [];
    pieceSize = answer.length > 100_000 ? 4093 : 7;
    const socket = createConnection(path);
    try {
      return await exchange(socket, request, upgrade);
    } finally {
      socket.destroy();
    }
  }

  it('reads a body framed by Content-Length, and keeps the connection', async () => {
    const answer = await ask('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"a":"bcd"}');
    expect([answer.status, answer.body.toString(), answer.reusable]).toEqual([200, '{"a":"bcd"}', true]);
  });

  it('reads a chunked body, chunk extensions and trailers included', async () => {
    const answer = await ask('HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\n{"mes\r\n10\r\nsage":"no such c\r\n7\r\nontai"}\r\n0\r\nX-Trailer: 1\r\n\r\n');
    expect([answer.status, answer.body.toString(), answer.reusable]).toEqual([404, '{"message":"no such contai"}', true]);
  });

  it('reads a body that ends with the connection, and does not reuse it', async () => {
    const answer = await ask('HTTP/1.1 200 OK\r\n\r\nall of it<END>');
    expect([answer.body.toString(), answer.reusable]).toEqual(['all of it', false]);
  });

  it('does not reuse a connection the engine says it closes', async () => {
    const answer = await ask('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n');
    expect([answer.status, answer.body.length, answer.reusable]).toEqual([204, 0, false]);
  });

  it('hands over the bytes after a 101 as the start of the upgraded stream', async () => {
    answers = ['HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0002hi<END>'];
    const socket = createConnection(path);
    try {
      const answer = await exchange(socket, { method: 'POST', path: '/exec/1/start', headers: {}, body: '{}' }, true);
      expect(answer.status).toBe(101);
      // What came with the head, then the rest of the stream from the socket itself.
      const stream: Buffer[] = [answer.rest];
      socket.on('data', (chunk: Buffer) => stream.push(chunk));
      await new Promise((resolve) => socket.once('end', resolve));
      expect([...Buffer.concat(stream)]).toEqual([1, 0, 0, 0, 0, 0, 0, 2, 104, 105]);
    } finally {
      socket.destroy();
    }
  });

  it('sends the request line, Host, the headers and a sized body', async () => {
    await ask('HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}', { method: 'POST', path: '/containers/a/exec', headers: { 'Content-Type': 'application/json' }, body: '{"Cmd":["é"]}' });
    expect(requests.join('')).toBe('POST /containers/a/exec HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{"Cmd":["é"]}');
  });

  it('refuses a path that could end the request line (CR, LF, a space), sending nothing', async () => {
    for (const path of ['/containers/a b/json', '/containers/a\r\nX-Smuggled: 1/json', 'containers/a/json']) {
      await expect(ask('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}', { method: 'GET', path, headers: {}, body: undefined })).rejects.toThrow(/unescaped path/);
      expect(requests).toEqual([]);
    }
  });

  it('fails on an answer cut short, on one that is not HTTP, and on a bad chunk size', async () => {
    await expect(ask('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort<END>')).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(ask('SSH-2.0-OpenSSH\r\n\r\n')).rejects.toThrow(/not HTTP/);
    await expect(ask('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).rejects.toThrow(/bad chunk size/);
    await expect(ask('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n')).rejects.toThrow(/longer than its size/);
  });

  it('reads a large body whose chunks and lines are split across pieces, byte for byte', async () => {
    // 1 MiB sent in pieces of 4,093 bytes: chunk sizes, data and CRLFs all fall across pieces.
    const data = Array.from({ length: 1024 * 1024 }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join('');
    let chunked = '';
    for (let at = 0; at < data.length; at += 100_000) {
      const part = data.slice(at, at + 100_000);
      chunked += `${part.length.toString(16)}\r\n${part}\r\n`;
    }
    const fromChunks = await ask(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}0\r\n\r\n`);
    expect(fromChunks.body.toString('latin1') === data).toBe(true);
    const fromLength = await ask(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n${data}`);
    expect(fromLength.body.toString('latin1') === data).toBe(true);
  });
});

/** Writes `text` a few bytes at a time, each piece in its own write, then ends if asked. */
async function sendInPieces(socket: Socket, text: string, end: boolean, size: number): Promise<void> {
  const bytes = Buffer.from(text, 'latin1');
  for (let at = 0; at < bytes.length; at += size) {
    socket.write(bytes.subarray(at, at + size));
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (end) socket.end();
}
