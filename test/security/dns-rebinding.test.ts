import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { silentLog } from '../../proxy/log.js';
import { HOST_REFUSED_PAGE } from '../../proxy/pages.js';
import { startProxy, type RunningProxy } from '../../proxy/proxy.js';
import { sandboxDiscovery } from '../helpers/proxy-discovery.js';
import { createWorkspaceContainer, freePort, request, waitFor, whoami, type WorkspaceFixture } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Threat model: a web page on another origin (a DNS-rebinding page whose name resolves to
 * 127.0.0.1, or any site the developer visits) learns nothing about the installation from
 * the proxy's own answers. It can make the browser send its own Host, never `*.localhost`.
 */
const sandbox = new Sandbox();
const docker = new ApiTransport();
let proxy: RunningProxy;
let port: number;
let live: WorkspaceFixture;
let asleep: WorkspaceFixture;
const ATTACKER = 'http://rebind.attacker.example';

beforeAll(async () => {
  port = await freePort();
  [live, asleep] = await Promise.all([
    createWorkspaceContainer(docker, sandbox, { branch: 'secret-branch', ports: [port] }),
    createWorkspaceContainer(docker, sandbox, { branch: 'asleep', ports: [port], start: false }),
  ]);
  proxy = await startProxy({ home: sandbox.home, log: silentLog, discovery: await sandboxDiscovery(sandbox), bind: ['127.0.0.1'] });
  await waitFor(() => whoami(port, `${live.id}.localhost:${port}`), 20_000, 'the workspace to answer');
});

afterAll(async () => {
  await proxy?.close();
  await sandbox.cleanup();
  docker.close();
});

/** Everything a leak would contain: ids, repo, branch, paths of this installation. */
function expectNothingInstalled(body: string): void {
  for (const secret of [live.id, asleep.id, sandbox.repoName('px'), 'secret-branch', sandbox.root, 'config.json"', 'worktrees']) {
    expect(body).not.toContain(secret);
  }
}

describe('a page on another origin', () => {
  it('gets the same fixed 403 for a foreign Host, whatever it asks for, with nothing about the installation', async () => {
    for (const accept of ['application/json', 'text/html', '*/*']) {
      for (const hostHeader of [`rebind.attacker.example:${port}`, 'rebind.attacker.example', `${live.id}.localhost.attacker.example:${port}`]) {
        const reply = await request(port, hostHeader, { headers: { accept, origin: ATTACKER } });
        expect(reply.status).toBe(403);
        expect(reply.body).toBe(HOST_REFUSED_PAGE.body);
        expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
        expectNothingInstalled(reply.body);
        expect(Object.keys(reply.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      }
    }
  });

  it('gets the same fixed 403 on a WebSocket upgrade with a foreign Host', async () => {
    const text = await rawExchange(
      port,
      `GET /ws HTTP/1.1\r\nHost: rebind.attacker.example:${port}\r\nAccept: application/json\r\nOrigin: ${ATTACKER}\r\n` +
        'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(text).toMatch(/^HTTP\/1\.1 403 /);
    expect(text.slice(text.indexOf('\r\n\r\n') + 4)).toBe(HOST_REFUSED_PAGE.body);
    expectNothingInstalled(text);
  });

  it('is never granted CORS by any page the proxy writes itself', async () => {
    const hosts = [`localhost:${port}`, `dual.localhost:${port}`, `no-such-ws.localhost:${port}`, `${asleep.id}.localhost:${port}`, ''];
    await waitFor(async () => (await request(port, `${asleep.id}.localhost:${port}`)).status === 503, 30_000, 'the stopped workspace to be known');
    for (const hostHeader of hosts) {
      for (const method of ['GET', 'OPTIONS']) {
        const reply = await request(port, hostHeader, {
          method,
          headers: { accept: 'application/json', origin: ATTACKER, 'access-control-request-method': 'GET' },
        });
        expect(Object.keys(reply.headers).filter((h) => h.startsWith('access-control-')), `${method} ${hostHeader}`).toEqual([]);
        expect(reply.headers['x-content-type-options']).toBe('nosniff');
      }
    }
  });
});

function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
    socket.write(text);
  });
}
