import http from 'node:http';
import { connect } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { silentLog } from '../../proxy/log.js';
import { startProxy, type RunningProxy } from '../../proxy/proxy.js';
import { sandboxDiscovery } from '../helpers/proxy-discovery.js';
import { Sandbox } from '../helpers/sandbox.js';
import {
  createAttachedContainer,
  createWorkspaceContainer,
  freePort,
  request,
  startContainer,
  waitFor,
  whoami,
  type WorkspaceFixture,
} from '../helpers/proxy-fixtures.js';

const sandbox = new Sandbox();
const docker = new ApiTransport();
let proxy: RunningProxy;
let port: number;
let main: WorkspaceFixture;
let feat: WorkspaceFixture;
const host = (w: WorkspaceFixture) => `${w.id}.localhost:${port}`;

beforeAll(async () => {
  port = await freePort();
  [main, feat] = await Promise.all([
    createWorkspaceContainer(docker, sandbox, { branch: 'main', ports: [port] }),
    createWorkspaceContainer(docker, sandbox, { branch: 'feat', ports: [port] }),
  ]);
  // No upstream override: the mode comes from config.json (auto = bridge here), so a config change can switch it.
  proxy = await startProxy({ home: sandbox.home, log: silentLog, discovery: await sandboxDiscovery(sandbox) });
  await waitFor(() => whoami(port, host(main)), 20_000, 'main to answer');
  await waitFor(() => whoami(port, host(feat)), 20_000, 'feat to answer');
});

afterAll(async () => {
  await proxy?.close();
  await sandbox.cleanup();
  docker.close();
});

describe('routing', () => {
  it('sends each workspace host to its own container on the same port', async () => {
    expect((await whoami(port, host(main))).name).toBe('main');
    expect((await whoami(port, host(feat))).name).toBe('feat');
    // Case-insensitive, trailing dot allowed: browsers and curl send both.
    expect((await whoami(port, `${main.id.toUpperCase()}.LOCALHOST.:${port}`)).name).toBe('main');
  });

  it('routes per request on one keep-alive client connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const names: string[] = [];
    for (const w of [main, feat, main, feat]) {
      const name = await new Promise<string>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/', headers: { host: host(w) }, agent }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c));
          res.on('end', () => resolve((JSON.parse(body) as { name: string }).name));
        });
        req.on('socket', (s) => sockets.add(s));
        req.on('error', reject);
      });
      names.push(name);
    }
    agent.destroy();
    expect(names).toEqual(['main', 'feat', 'main', 'feat']);
    expect(sockets.size).toBe(1);
  });

  it('adds X-Forwarded-* and preserves Host', async () => {
    const { headers } = await whoami(port, host(main));
    expect(headers.host).toBe(host(main));
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe(host(main));
  });

  it('never routes to attached sidecars and lists them on the dashboard', async () => {
    await createAttachedContainer(docker, main, sandbox, 'db');
    const dashboard = await waitFor(async () => {
      const reply = await request(port, `localhost:${port}`, { headers: { accept: 'application/json' } });
      const body = JSON.parse(reply.body) as { workspaces: Array<{ id: string; attached: Array<{ name: string }> }> };
      return body.workspaces.find((w) => w.id === main.id)?.attached.length ? body : undefined;
    }, 30_000, 'sidecar on the dashboard');
    expect(dashboard.workspaces.find((w) => w.id === main.id)?.attached.map((a) => a.name)).toEqual(['db']);
    expect((await whoami(port, host(main))).name).toBe('main');
  });
});

describe('pages', () => {
  it('shows the dashboard on localhost and dual.localhost', async () => {
    for (const name of [`localhost:${port}`, `dual.localhost:${port}`, `127.0.0.1:${port}`]) {
      const reply = await request(port, name);
      expect(reply.status).toBe(200);
      expect(reply.body).toContain('<title>dual</title>');
      // The page fills itself from /api/events (test/browser/dashboard.test.ts); scripts read the JSON.
      const json = JSON.parse((await request(port, name, { headers: { accept: 'application/json' } })).body) as { workspaces: Array<{ urls: string[] }> };
      const urls = json.workspaces.flatMap((w) => w.urls);
      expect(urls).toContain(`http://${main.id}.localhost:${port}`);
      expect(urls).toContain(`http://${feat.id}.localhost:${port}`);
    }
  });

  it('answers an unknown workspace with 404 listing the live ones, as JSON when asked', async () => {
    const html = await request(port, `nope.localhost:${port}`);
    expect(html.status).toBe(404);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain(`href="http://${main.id}.localhost:${port}"`);
    const json = await request(port, `nope.localhost:${port}`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    const body = JSON.parse(json.body) as { error: string; workspaces: Array<{ id: string; url: string }> };
    expect(body.error).toBe('unknown-workspace');
    expect(body.workspaces.map((w) => w.id)).toEqual(expect.arrayContaining([main.id, feat.id]));
  });

  it('refuses a Host that is not localhost (DNS rebinding) and a request with no Host', async () => {
    for (const evil of ['evil.com', `evil.com:${port}`, `${main.id}.localhost.evil.com`, '10.0.0.1']) {
      const reply = await request(port, evil);
      expect(reply.status).toBe(403);
      expect(reply.body).not.toContain('"name"');
      expect(reply.body).toContain('proxy.domains');
    }
    const raw = await rawExchange(port, 'GET / HTTP/1.0\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
  });

  it('serves a configured domain after config.json changes, without a restart', async () => {
    expect((await request(port, `${main.id}.test:${port}`)).status).toBe(403);
    writeFileSync(join(sandbox.home, 'config.json'), JSON.stringify({ proxy: { autoStart: false, domains: ['test'] } }));
    const reply = await waitFor(async () => {
      const r = await request(port, `${main.id}.test:${port}`);
      return r.status === 200 ? r : undefined;
    }, 30_000, 'the domain setting to apply');
    expect((JSON.parse(reply.body) as { name: string }).name).toBe('main');
  });

  it('applies a new proxy.headersTimeoutSeconds without a restart: a slow client is cut with 408', async () => {
    writeFileSync(join(sandbox.home, 'config.json'), JSON.stringify({ proxy: { autoStart: false, domains: ['test'], headersTimeoutSeconds: 1 } }));
    // Each try sends half a request head and waits a bounded while; the default 30 s would not answer within it.
    const answer = await waitFor(async () => {
      const text = await slowClient(port, host(main), 6_000);
      return /^HTTP\/1\.1 408 /.test(text) ? text : undefined;
    }, 45_000, 'the headers timeout to apply');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    writeFileSync(join(sandbox.home, 'config.json'), JSON.stringify({ proxy: { autoStart: false, domains: ['test'] } }));
    await waitFor(async () => (await slowClient(port, host(main), 3_000)) === '', 45_000, 'the default headers timeout again');
    expect((await whoami(port, host(main))).name).toBe('main');
  }, 120_000);

  it('answers 502 naming the workspace and port when nothing listens there', async () => {
    const idle = await createWorkspaceContainer(docker, sandbox, { branch: 'idle', ports: [port], listen: [9] });
    const reply = await waitFor(async () => {
      const r = await request(port, host(idle));
      return r.status === 502 ? r : undefined;
    }, 30_000, '502 from the idle workspace');
    expect(reply.body).toContain(`port ${port}`);
    expect(reply.body).toContain(idle.id);
    expect(reply.body).toContain(`dual exec ${idle.id} -- npm run dev`);
  });
});

describe('following Docker', () => {
  it('answers 503 for a stopped workspace and routes again once it starts', async () => {
    const ws = await createWorkspaceContainer(docker, sandbox, { branch: 'stopper', ports: [port] });
    await waitFor(() => whoami(port, host(ws)), 20_000, 'stopper to answer');
    await docker.request('POST', `/containers/${ws.containerId}/stop?t=0`);
    const stopped = await waitFor(async () => {
      const r = await request(port, host(ws));
      return r.status === 503 ? r : undefined;
    }, 30_000, '503');
    expect(stopped.body).toContain(`dual start ${ws.id}`);
    await startContainer(docker, ws.containerId);
    expect((await waitFor(() => whoami(port, host(ws)), 20_000, 'stopper to answer again')).name).toBe('stopper');
  });

  it('follows a restart that changes the container IP', async () => {
    // A network of this test's own: nothing else on the engine can take or free addresses
    // on it, so the only moves are the ones made here.
    const network = await createTestNetwork('mover');
    try {
      const ws = await createWorkspaceContainer(docker, sandbox, { branch: 'mover', ports: [port], network });
      await waitFor(() => whoami(port, host(ws)), 20_000, 'mover to answer');
      const before = await addressOn(ws.containerId, network);
      await docker.request('POST', `/containers/${ws.containerId}/stop?t=0`);
      // Another container joins while the mover is down: it takes the freed address (the
      // engine hands out the lowest free one) or a later one (engines that allocate in
      // sequence); either way the mover cannot get its old address back.
      await createSquatter(network);
      await startContainer(docker, ws.containerId);
      const after = await addressOn(ws.containerId, network);
      expect(after).not.toBe(before);
      expect((await waitFor(() => whoami(port, host(ws)), 20_000, 'mover on its new IP')).name).toBe('mover');
    } finally {
      await removeTestNetwork(network);
    }
  });

  it('forgets a removed workspace', async () => {
    const ws = await createWorkspaceContainer(docker, sandbox, { branch: 'doomed', ports: [port] });
    await waitFor(() => whoami(port, host(ws)), 20_000, 'doomed to answer');
    await docker.request('DELETE', `/containers/${ws.containerId}?force=1`);
    const reply = await waitFor(async () => {
      const r = await request(port, host(ws));
      return r.status === 404 ? r : undefined;
    }, 30_000, '404 after removal');
    expect(reply.body).not.toContain(`href="http://${ws.id}.localhost`);
  });

  it('opens a listener when a workspace with a new port appears and closes it when it goes', async () => {
    const newPort = await freePort();
    const ws = await createWorkspaceContainer(docker, sandbox, { branch: 'api', ports: [newPort] });
    const answer = await waitFor(() => whoami(newPort, `${ws.id}.localhost:${newPort}`), 20_000, 'the new port');
    expect(answer.name).toBe('api');
    expect(proxy.ports()).toContain(newPort);
    await docker.request('DELETE', `/containers/${ws.containerId}?force=1`);
    await waitFor(() => !proxy.ports().includes(newPort), 30_000, 'the port to close');
    await expect(request(newPort, `${ws.id}.localhost:${newPort}`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('uses loopback-published ports when config says so, following the new host port after a restart', async () => {
    const ws = await createWorkspaceContainer(docker, sandbox, { branch: 'desktop', ports: [port] });
    writeFileSync(join(sandbox.home, 'config.json'), JSON.stringify({ proxy: { autoStart: false, upstream: 'published', domains: ['test'] } }));
    await waitFor(() => proxy.upstreamMode() === 'published', 30_000, 'published mode');
    expect((await waitFor(() => whoami(port, host(ws)), 20_000, 'desktop via published port')).name).toBe('desktop');
    const portsBefore = await publishedPort(ws.containerId, port);
    await docker.request('POST', `/containers/${ws.containerId}/stop?t=0`);
    // The old host port is taken (through the engine, so its allocator knows) while the
    // workspace is down: the restarted one certainly gets another.
    const squatter = await createSquatter('bridge', { [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: portsBefore }] });
    try {
      await startContainer(docker, ws.containerId);
    } finally {
      await docker.request('DELETE', `/containers/${squatter}?force=1`).catch(() => undefined);
    }
    const portsAfter = await publishedPort(ws.containerId, port);
    expect(portsAfter).not.toBe(portsBefore);
    expect((await waitFor(() => whoami(port, host(ws)), 20_000, 'desktop on its new host port')).name).toBe('desktop');
    expect((await whoami(port, host(main))).name).toBe('main');
    writeFileSync(join(sandbox.home, 'config.json'), JSON.stringify({ proxy: { autoStart: false, upstream: 'bridge' } }));
    await waitFor(() => proxy.upstreamMode() === 'bridge', 30_000, 'bridge mode again');
    expect((await whoami(port, host(ws))).name).toBe('desktop');
  });
});

/** A bridge network only this test uses, labelled so it can be found; removed with its containers. */
async function createTestNetwork(name: string): Promise<string> {
  const network = `dual-test-${sandbox.tag}-${name}`;
  await docker.request('POST', '/networks/create', { Name: network, Labels: { 'dual.test': sandbox.tag } });
  return network;
}

async function removeTestNetwork(network: string): Promise<void> {
  const info = await docker.request<{ Containers: Record<string, unknown> | null }>('GET', `/networks/${network}`).catch(() => undefined);
  await Promise.all(Object.keys(info?.Containers ?? {}).map((id) => docker.request('DELETE', `/containers/${id}?force=1`).catch(() => undefined)));
  await docker.request('DELETE', `/networks/${network}`).catch(() => undefined);
}

/** A plain container on `network` (no dual labels: the proxy ignores it), holding an address or host ports; its caller removes it. */
async function createSquatter(network: string, portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {}): Promise<string> {
  const created = await docker.request<{ Id: string }>('POST', '/containers/create', {
    Image: 'dual-test/busybox',
    Cmd: ['sleep', '3600'],
    Labels: { 'dual.test': sandbox.tag },
    StopSignal: 'SIGKILL',
    ExposedPorts: Object.fromEntries(Object.keys(portBindings).map((k) => [k, {}])),
    HostConfig: { NetworkMode: network, PortBindings: portBindings },
  });
  await startContainer(docker, created.Id);
  return created.Id;
}

async function addressOn(containerId: string, network: string): Promise<string> {
  const c = await docker.request<{ NetworkSettings: { Networks: Record<string, { IPAddress: string }> } }>('GET', `/containers/${containerId}/json`);
  const ip = c.NetworkSettings.Networks[network]?.IPAddress;
  if (!ip) throw new Error(`container ${containerId} has no address on ${network}`);
  return ip;
}

async function publishedPort(containerId: string, port: number): Promise<string> {
  const c = await docker.request<{ NetworkSettings: { Ports: Record<string, Array<{ HostIp: string; HostPort: string }>> } }>(
    'GET',
    `/containers/${containerId}/json`,
  );
  return c.NetworkSettings.Ports[`${port}/tcp`]!.find((b) => b.HostIp === '127.0.0.1')!.HostPort;
}

function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.write(text);
  });
}

/** Sends half a request head and returns what came back before the socket closed or `giveUpMs` passed. */
function slowClient(port: number, hostHeader: string, giveUpMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    const timer = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.once('connect', () => socket.write(`GET / HTTP/1.1\r\nHost: ${hostHeader}\r\nX-Slow: `));
  });
}
