import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { ClientHttp2Session } from 'node:http2';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { tlsPaths } from '../../src/adapters/tls/paths.js';
import { silentLog } from '../../proxy/log.js';
import { startProxy, type RunningProxy } from '../../proxy/proxy.js';
import { sandboxDiscovery } from '../helpers/proxy-discovery.js';
import { Sandbox } from '../helpers/sandbox.js';
import { createWorkspaceContainer, freePort, request, waitFor, whoami, type WorkspaceFixture } from '../helpers/proxy-fixtures.js';
import { h2Connect, h2Request, handshake, https11 } from '../helpers/tls-clients.js';

/**
 * HTTPS on the proxy's own ports (issue 10): one port answers plain HTTP, HTTP/1.1 over TLS
 * and h2, with certificates from dual's CA for its own names only.
 */
const sandbox = new Sandbox();
const docker = new ApiTransport();
let proxy: RunningProxy;
let port: number;
let main: WorkspaceFixture;
let feat: WorkspaceFixture;
let ca: string;
const name = (w: WorkspaceFixture) => `${w.id}.localhost`;
const sessions: ClientHttp2Session[] = [];

async function session(w: WorkspaceFixture): Promise<ClientHttp2Session> {
  const s = await h2Connect(port, name(w), ca);
  sessions.push(s);
  return s;
}

beforeAll(async () => {
  port = await freePort();
  [main, feat] = await Promise.all([
    createWorkspaceContainer(docker, sandbox, { branch: 'main', ports: [port] }),
    createWorkspaceContainer(docker, sandbox, { branch: 'feat', ports: [port] }),
  ]);
  proxy = await startProxy({ home: sandbox.home, log: silentLog, discovery: await sandboxDiscovery(sandbox), upstream: 'bridge', watchConfig: false });
  for (const w of [main, feat]) await waitFor(() => whoami(port, `${name(w)}:${port}`), 20_000, `${w.id} to answer`);
  ca = readFileSync(tlsPaths(sandbox.home).caCert, 'utf8');
});

afterAll(async () => {
  for (const s of sessions) s.destroy();
  await proxy?.close();
  await sandbox.cleanup();
  docker.close();
});

describe('dual CA', () => {
  it('keeps its private key readable by the user only and issues one leaf per name, cached on disk', async () => {
    const paths = tlsPaths(sandbox.home);
    expect(statSync(paths.caKey).mode & 0o777).toBe(0o600);
    expect(await handshake(port, name(main), ca)).toBe(`DNS:${name(main)}`);
    const leafFile = `${paths.leaves}/${name(main)}.pem`;
    expect(statSync(leafFile).mode & 0o777).toBe(0o600);
    const leaf = new X509Certificate(readFileSync(leafFile, 'utf8'));
    expect(leaf.checkIssued(new X509Certificate(ca))).toBe(true);
    expect(leaf.subjectAltName).toBe(`DNS:${name(main)}`);
  });

  it('refuses the handshake for a name that is not ours', async () => {
    await expect(handshake(port, 'attacker.com', ca)).rejects.toThrow();
    await expect(handshake(port, 'a.b.localhost', ca)).rejects.toThrow();
    // Nothing was issued or stored for them.
    expect(() => statSync(`${tlsPaths(sandbox.home).leaves}/attacker.com.pem`)).toThrow();
  });

  it('serves the localhost certificate (with the loopback addresses) to a client that sends no SNI', async () => {
    const names = await handshake(port, undefined, ca);
    expect(names).toContain('DNS:localhost');
    expect(names).toContain('IP Address:127.0.0.1');
  });
});

describe('one port, three protocols', () => {
  it('answers plain HTTP on the same port, with X-Forwarded-Proto http', async () => {
    const reply = await whoami(port, `${name(main)}:${port}`);
    expect(reply.name).toBe('main');
    expect(reply.headers['x-forwarded-proto']).toBe('http');
  });

  it('answers HTTP/1.1 over TLS to a client that offers only http/1.1', async () => {
    const reply = await https11(port, name(feat), ca);
    expect(reply.alpn).toBe('http/1.1');
    const body = JSON.parse(reply.body) as { name: string; headers: Record<string, string> };
    expect(body.name).toBe('feat');
    expect(body.headers['x-forwarded-proto']).toBe('https');
  });

  it('answers h2 per workspace, upstream as HTTP/1.1 with X-Forwarded-Proto https', async () => {
    for (const w of [main, feat]) {
      const reply = await h2Request(await session(w), { ':path': '/', ':authority': `${name(w)}:${port}` });
      expect(reply.status).toBe(200);
      const body = JSON.parse(reply.body) as { name: string; headers: Record<string, string> };
      expect(body.name).toBe(w === main ? 'main' : 'feat');
      expect(body.headers['x-forwarded-proto']).toBe('https');
      expect(body.headers.host).toBe(`${name(w)}:${port}`);
      expect(Object.keys(body.headers).some((h) => h.startsWith(':'))).toBe(false);
      // No connection-specific header may reach an h2 client.
      expect(reply.headers.connection).toBeUndefined();
      expect(reply.headers['keep-alive']).toBeUndefined();
    }
  });

  it('refuses a foreign :authority over h2 with the same 403 as over HTTP/1.1', async () => {
    const reply = await h2Request(await session(main), { ':path': '/', ':authority': 'evil.example:443' });
    expect(reply.status).toBe(403);
    expect((await request(port, 'evil.example')).status).toBe(403);
  });

  it('answers an unknown workspace over h2 with the 404 page', async () => {
    const reply = await h2Request(await session(main), { ':path': '/', ':authority': `nope.localhost:${port}`, accept: 'application/json' });
    expect(reply.status).toBe(404);
  });
});

describe('streams over h2', () => {
  it('delivers the first SSE event before the response ends', async () => {
    const s = await session(main);
    const stream = s.request({ ':path': '/sse', ':authority': `${name(main)}:${port}` });
    let ended = false;
    stream.on('end', () => (ended = true));
    const text = await new Promise<string>((resolve, reject) => {
      let seen = '';
      stream.on('data', (c: Buffer) => {
        seen += c.toString();
        if (seen.includes('data: first from main')) resolve(seen);
      });
      stream.on('error', reject);
    });
    expect(text).toContain('data: first from main');
    expect(ended).toBe(false);
    stream.close();
  });

  it('streams a 64 MiB upload with no Content-Length through to the upstream', async () => {
    const size = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const body = Readable.from((function* () {
      for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
    })());
    const reply = await h2Request(await session(feat), { ':method': 'POST', ':path': '/count', ':authority': `${name(feat)}:${port}` }, body);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ name: 'feat', bytes: size });
  });

  it('offers no WebSocket over h2 (no SETTINGS_ENABLE_CONNECT_PROTOCOL) and answers a CONNECT with 405', async () => {
    const s = await session(main);
    // An answer on the session means the server's SETTINGS (its first frame) have been read.
    expect((await h2Request(s, { ':path': '/', ':authority': `${name(main)}:${port}` })).status).toBe(200);
    expect(s.remoteSettings.enableConnectProtocol).toBe(false);
    const tunnel = await h2Request(s, { ':method': 'CONNECT', ':authority': 'example.com:443' });
    expect(tunnel.status).toBe(405);
  });

  it('carries a WebSocket over HTTP/1.1 over TLS, as browsers open one from an h2 page', async () => {
    expect(await wssEcho(main, '/hmr', 'over tls')).toEqual({ echo: 'main: over tls' });
    expect(await wssEcho(feat, '/hmr', 'over tls')).toEqual({ echo: 'feat: over tls' });
  });

  it('quotes an upstream that refuses a WebSocket over TLS without an HTTP answer', async () => {
    // The fixture writes a bare `Unauthorized` for a foreign Origin, as Next.js does for its HMR socket.
    const refused = await wssEcho(main, '/origin-checked', 'x', { origin: 'https://elsewhere.example' });
    expect(refused.status).toBe(502);
    expect(refused.body).toContain('it said: Unauthorized');
    expect(refused.body).not.toContain('HPE_');
  });
});

/** A WebSocket over TLS (HTTP/1.1 Upgrade) to workspace `w`: the first message back, or the refusal's status and body. */
function wssEcho(w: WorkspaceFixture, path: string, message: string, headers: Record<string, string> = {}): Promise<{ echo?: string; status?: number; body?: string }> {
  return new Promise((resolve, reject) => {
    // servername reaches tls.connect; ws's ClientOptions type does not list it.
    const options = { headers: { host: `${name(w)}:${port}`, ...headers }, ca, servername: name(w) };
    const socket = new WebSocket(`wss://127.0.0.1:${port}${path}`, options);
    socket.on('open', () => socket.send(message));
    socket.on('message', (data) => {
      resolve({ echo: data.toString() });
      socket.close();
    });
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    socket.on('error', reject);
  });
}

describe('proxy.https443', () => {
  it('listens on 443 too, where https://<id>.localhost/ reaches the workspace\'s first port', async () => {
    writeFileSync(join(sandbox.home, 'config.json'), JSON.stringify({ proxy: { autoStart: false, https443: true } }));
    const other = await freePort();
    const second = await startProxy({ home: sandbox.home, log: silentLog, discovery: await sandboxDiscovery(sandbox), upstream: 'bridge', ports: [other], watchConfig: false });
    try {
      expect(second.ports()).toEqual([other, 443].sort((a, b) => a - b));
      const s = await h2Connect(443, name(main), ca);
      sessions.push(s);
      const reply = await h2Request(s, { ':path': '/', ':authority': name(main) });
      expect(reply.status).toBe(200);
      expect((JSON.parse(reply.body) as { name: string; port: number }).port).toBe(port);
    } finally {
      await second.close();
      writeFileSync(join(sandbox.home, 'config.json'), JSON.stringify({ proxy: { autoStart: false } }));
    }
  });
});
