import { existsSync, readFileSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homePaths } from '../../src/adapters/config/home.js';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { silentLog } from '../../proxy/log.js';
import { startProxy, type RunningProxy } from '../../proxy/proxy.js';
import { dualOk, runDual } from '../helpers/cli.js';
import { sandboxDiscovery } from '../helpers/proxy-discovery.js';
import { createWorkspaceContainer, freePort, request, waitFor, whoami, type WorkspaceFixture } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';

/** Connection edges, with real sockets: half-closing clients, 408s, upstreams that never answer, the log bound. */
const sandbox = new Sandbox();
const docker = new ApiTransport();
let proxy: RunningProxy;
let port: number;
let ws: WorkspaceFixture;
const host = () => `${ws.id}.localhost:${port}`;

beforeAll(async () => {
  port = await freePort();
  ws = await createWorkspaceContainer(docker, sandbox, { branch: 'edges', ports: [port] });
  proxy = await startProxy({
    home: sandbox.home,
    log: silentLog,
    discovery: await sandboxDiscovery(sandbox),
    bind: ['127.0.0.1'],
    headersTimeoutMs: 1_000,
    upstreamHeadersTimeoutMs: 1_500,
  });
  await waitFor(() => whoami(port, host()), 20_000, 'the workspace to answer');
});

afterAll(async () => {
  await proxy?.close();
  await runDual(['proxy', 'stop'], { env: sandbox.env });
  await sandbox.cleanup();
  docker.close();
});

/** A raw client that keeps its own side open unless told: it sees exactly what the proxy does. */
function rawClient(): Promise<{ socket: Socket; received: () => string; ended: Promise<void>; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('error', () => undefined);
    const ended = new Promise<void>((r) => socket.once('end', () => r()));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve({ socket, received: () => text, ended, closed }));
    socket.once('error', reject);
  });
}

describe('client connections', () => {
  it('answers a client that half-closes right after its request (nc -N), then closes', async () => {
    const client = await rawClient();
    client.socket.end(`GET / HTTP/1.1\r\nHost: ${host()}\r\n\r\n`);
    await client.closed;
    const text = client.received();
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { name: string }).toMatchObject({ name: 'edges' });
  });

  it('closes a connection it answered 408, even while the client keeps its side open', async () => {
    const client = await rawClient();
    client.socket.write(`GET / HTTP/1.1\r\nHost: ${host()}\r\n`);
    await client.ended;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    // The client never ends its side. A proxy that only half-closed would keep reading (and
    // holding the socket); one that closed answers the next bytes with a reset.
    let closed = false;
    void client.closed.then(() => (closed = true));
    await waitFor(() => {
      if (!closed) client.socket.write('x');
      return closed;
    }, 20_000, 'the proxy to close the connection');
  });
});

describe('upstream connections', () => {
  it('gives up on an upstream that accepts and never answers: 504, and its connection is closed', async () => {
    const reply = await request(port, host(), { path: '/hang' });
    expect(reply.status).toBe(504);
    expect(reply.body).toContain(ws.id);
    // The fixture counts /hang requests whose connection is still open: the proxy let go.
    await waitFor(async () => (JSON.parse((await request(port, host(), { path: '/stats' })).body) as { openStreams: number }).openStreams === 0, 20_000, 'the upstream connection to close');
  });
});

describe('the background proxy log', () => {
  it('is bounded: cut into proxy.log.1 at the limit, one old file kept', async () => {
    const limit = 4_096;
    const env = { ...sandbox.env, DUAL_PROXY_LOG_MAX_BYTES: String(limit) };
    const logPort = await freePort();
    await dualOk(['proxy', 'start', '--port', String(logPort), '--bind', '127.0.0.1', '--verbose'], { env });
    const log = homePaths(sandbox.home).proxyLog;
    // --verbose writes a line per request: enough requests fill the file several times over.
    await waitFor(async () => {
      for (let i = 0; i < 20; i++) await request(logPort, `nope.localhost:${logPort}`, { path: `/${'p'.repeat(50)}` });
      return existsSync(`${log}.1`) && statSync(`${log}.1`).size > 0 && readFileSync(log, 'utf8').includes('/ppp');
    }, 60_000, 'the log to rotate');
    // The proxy's own lines stay within the limit; the supervisor may add its few lines on top.
    expect(statSync(`${log}.1`).size).toBeLessThanOrEqual(limit + 1_024);
    expect(statSync(log).size).toBeLessThanOrEqual(limit + 1_024);
    await dualOk(['proxy', 'stop'], { env });
  });
});
