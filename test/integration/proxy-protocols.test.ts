import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { silentLog } from '../../proxy/log.js';
import { startProxy, type RunningProxy } from '../../proxy/proxy.js';
import { sandboxDiscovery } from '../helpers/proxy-discovery.js';
import { Sandbox } from '../helpers/sandbox.js';
import { createWorkspaceContainer, freePort, request, waitFor, whoami, type WorkspaceFixture } from '../helpers/proxy-fixtures.js';

const sandbox = new Sandbox();
const docker = new ApiTransport();
let proxy: RunningProxy;
let port: number;
let main: WorkspaceFixture;
let feat: WorkspaceFixture;
let rewrite: WorkspaceFixture;
const host = (w: WorkspaceFixture) => `${w.id}.localhost:${port}`;

beforeAll(async () => {
  port = await freePort();
  [main, feat, rewrite] = await Promise.all([
    createWorkspaceContainer(docker, sandbox, { branch: 'main', ports: [port] }),
    createWorkspaceContainer(docker, sandbox, { branch: 'feat', ports: [port] }),
    createWorkspaceContainer(docker, sandbox, { branch: 'vite', ports: [port], hostRewrite: true }),
  ]);
  // A custom domain, so Origin rewriting can be checked on a host that is not *.localhost.
  writeFileSync(join(sandbox.home, 'config.json'), JSON.stringify({ proxy: { autoStart: false, domains: ['dev.test'] } }));
  proxy = await startProxy({ home: sandbox.home, log: silentLog, discovery: await sandboxDiscovery(sandbox), upstream: 'bridge', headersTimeoutMs: 1_000, watchConfig: false });
  for (const w of [main, feat, rewrite]) await waitFor(() => whoami(port, host(w)), 20_000, `${w.id} to answer`);
});

afterAll(async () => {
  await proxy?.close();
  await sandbox.cleanup();
  docker.close();
});

function wsEcho(w: WorkspaceFixture, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/hmr`, { headers: { host: host(w) } });
    socket.on('open', () => socket.send(message));
    socket.on('message', (data) => {
      resolve(data.toString());
      socket.close();
    });
    socket.on('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
    socket.on('error', reject);
  });
}

/** Reads a streaming response until `marker` shows up; reports whether the response had ended by then. */
function readUntil(w: WorkspaceFixture, path: string, marker: string): Promise<{ text: string; ended: boolean; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    let ended = false;
    const req = http.get({ host: '127.0.0.1', port, path, headers: { host: host(w) }, agent: false }, (res) => {
      let text = '';
      res.on('end', () => (ended = true));
      res.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.includes(marker)) {
          resolve({ text, ended, headers: res.headers });
          req.destroy();
        }
      });
    });
    req.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
    });
  });
}

describe('protocols', () => {
  it('carries WebSocket frames both ways, per workspace', async () => {
    expect(await wsEcho(main, 'hello')).toBe('main: hello');
    expect(await wsEcho(feat, 'hello')).toBe('feat: hello');
  });

  it('relays a refused upgrade as one answer and closes, so the next request on that connection is never tunneled', async () => {
    const socket = connect({ host: '127.0.0.1', port });
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(`GET / HTTP/1.1\r\nHost: ${host(main)}\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n`);
    socket.write(`GET / HTTP/1.1\r\nHost: ${host(feat)}\r\n\r\n`);
    await closed;
    const text = Buffer.concat(received).toString();
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text).toContain('refused by main');
    expect(text).not.toContain('tunneled');
    expect(text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });

  it("shows the dev server's own refusal when it answers an upgrade without HTTP", async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/origin-checked`, { headers: { host: host(main) }, origin: `http://${host(main)}` });
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      socket.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      socket.on('open', () => reject(new Error('the refused upgrade was opened')));
      socket.on('error', reject);
    });
    expect(reply.status).toBe(502);
    expect(reply.body).toContain('it said: Unauthorized');
    expect(reply.body).toContain('hostHeader');
    expect(reply.body).not.toContain('HPE_');
  });

  it('answers a WebSocket upgrade for an unknown workspace with the 404 page', async () => {
    await expect(wsEcho({ id: 'nope', containerId: '' }, 'x')).rejects.toThrow(/status 404/);
  });

  it('answers a WebSocket upgrade for a stopped workspace with the 503 page', async () => {
    const stopped = await createWorkspaceContainer(docker, sandbox, { branch: 'asleep', ports: [port], start: false });
    await waitFor(async () => (await request(port, host(stopped))).status === 503, 30_000, 'the stopped workspace to be known');
    await expect(wsEcho(stopped, 'x')).rejects.toThrow(/status 503/);
  });

  it('answers 404 naming the served ports when a workspace does not declare the port', async () => {
    const other = await freePort();
    const elsewhere = await createWorkspaceContainer(docker, sandbox, { branch: 'elsewhere', ports: [other] });
    const reply = await waitFor(async () => {
      const r = await request(port, host(elsewhere));
      return r.status === 404 && r.body.includes('does not serve') ? r : undefined;
    }, 30_000, 'the port-not-served page');
    expect(reply.body).toContain(`http://${elsewhere.id}.localhost:${other}`);
  });

  it('delivers the first SSE event before the response ends', async () => {
    const sse = await readUntil(main, '/sse', 'data: first from main');
    expect(sse.ended).toBe(false);
    expect(sse.headers['content-type']).toBe('text/event-stream');
  });

  it('passes chunked bodies through unbuffered', async () => {
    const chunked = await readUntil(feat, '/chunked', 'chunk from feat');
    expect(chunked.ended).toBe(false);
    expect(chunked.headers['transfer-encoding']).toBe('chunked');
  });

  it('forwards response trailers', async () => {
    const reply = await request(port, host(main), { path: '/trailers' });
    expect(reply.body).toBe('part1,part2');
    expect(reply.trailers['x-checksum']).toBe('sum-main');
  });

  it('handles HEAD, 204 and 304 and keeps the connection usable after them', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const head = await request(port, host(main), { method: 'HEAD', path: '/static', agent });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe('12');
    expect((await request(port, host(main), { path: '/static', agent })).body).toBe('hello static');
    const noContent = await request(port, host(main), { path: '/status/204', agent });
    expect(noContent.status).toBe(204);
    expect(noContent.headers.etag).toBe('"v1"');
    const notModified = await request(port, host(main), { path: '/status/304', agent, headers: { 'if-none-match': '"v1"' } });
    expect(notModified.status).toBe(304);
    expect((await whoami(port, host(feat), agent)).name).toBe('feat');
    agent.destroy();
  });

  it('streams a request body and honours Expect: 100-continue', async () => {
    const size = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const answer = await new Promise<{ bytes: number; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = http.request(
        { host: '127.0.0.1', port, path: '/count', method: 'POST', agent: false, headers: { host: host(feat), expect: '100-continue', 'content-length': size } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c));
          res.on('end', () => resolve({ bytes: (JSON.parse(body) as { bytes: number }).bytes, continued }));
        },
      );
      req.on('continue', () => {
        continued = true;
        Readable.from((function* () { for (let i = 0; i < size / chunk.length; i++) yield chunk; })()).pipe(req);
      });
      req.on('error', reject);
    });
    expect(answer).toEqual({ bytes: size, continued: true });
  });

  it('streams a chunked request body of unknown length', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/count', method: 'POST', agent: false, headers: { host: host(main) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.write('a'.repeat(1000));
      req.end('b'.repeat(24));
    });
    expect(JSON.parse(reply)).toEqual({ name: 'main', bytes: 1024 });
  });

  it('presents localhost:<port> as Host and Origin for a workspace with dual.host-rewrite', async () => {
    const reply = await request(port, host(rewrite), { headers: { origin: `http://${host(rewrite)}` } });
    const { headers } = JSON.parse(reply.body) as { headers: Record<string, string> };
    expect(headers.host).toBe(`localhost:${port}`);
    expect(headers.origin).toBe(`http://localhost:${port}`);
    expect(headers['x-forwarded-host']).toBe(host(rewrite));
  });

  it('rewrites an Origin on a configured domain too, and leaves foreign origins alone', async () => {
    const domainHost = `${rewrite.id}.dev.test:${port}`;
    const own = JSON.parse((await request(port, domainHost, { headers: { origin: `http://${domainHost}` } })).body) as { headers: Record<string, string> };
    expect(own.headers.host).toBe(`localhost:${port}`);
    expect(own.headers.origin).toBe(`http://localhost:${port}`);
    const foreign = JSON.parse((await request(port, domainHost, { headers: { origin: 'http://evil.example' } })).body) as { headers: Record<string, string> };
    expect(foreign.headers.origin).toBe('http://evil.example');
  });

  it('rewrites Origin on the WebSocket upgrade, so an origin-checking dev server accepts its HMR socket', async () => {
    const domainHost = `${rewrite.id}.dev.test:${port}`;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/origin-checked`, { headers: { host: domainHost }, origin: `http://${domainHost}` });
    const echoed = await new Promise<string>((resolve, reject) => {
      socket.on('open', () => socket.send('hi'));
      socket.on('message', (data) => {
        resolve(data.toString());
        socket.close();
      });
      socket.on('error', reject);
    });
    expect(echoed).toBe('vite: hi');
  });
});

describe('failures', () => {
  it('cuts the client when the upstream resets mid-response, and keeps serving', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/reset', headers: { host: host(main) }, agent: false }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve('ended cleanly'));
        res.on('error', () => resolve('cut'));
        res.on('aborted', () => resolve('cut'));
      });
      req.on('error', () => resolve('cut'));
    });
    expect(outcome).toBe('cut');
    expect((await whoami(port, host(main))).name).toBe('main');
  });

  it('releases the upstream when clients vanish mid-stream', async () => {
    for (let i = 0; i < 5; i++) await readUntil(feat, '/sse', 'first');
    const stats = async () => (JSON.parse((await request(port, host(feat), { path: '/stats' })).body) as { openStreams: number }).openStreams;
    await waitFor(async () => (await stats()) === 0, 30_000, 'the upstream streams to close');
    expect((await whoami(port, host(feat))).name).toBe('feat');
  });

  it('disconnects a client that never finishes its headers, serving others meanwhile', async () => {
    const slow = connect({ host: '127.0.0.1', port });
    let answer = '';
    slow.on('data', (c: Buffer) => (answer += c.toString()));
    const closed = new Promise<void>((resolve) => slow.on('close', () => resolve()));
    slow.write(`GET / HTTP/1.1\r\nHost: ${host(main)}\r\nX-Slow: `);
    expect((await whoami(port, host(feat))).name).toBe('feat');
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('answers a malformed request with 400 and keeps serving', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.write('BLAH\x00 / HTTP/9\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await whoami(port, host(main))).name).toBe('main');
  });
});
