import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { silentLog } from '../../proxy/log.js';
import { startProxy, type RunningProxy } from '../../proxy/proxy.js';
import { EngineRelay } from '../helpers/engine-relay.js';
import { sandboxDiscovery } from '../helpers/proxy-discovery.js';
import { Sandbox } from '../helpers/sandbox.js';
import { createWorkspaceContainer, freePort, request, waitFor, whoami } from '../helpers/proxy-fixtures.js';

/**
 * A Docker engine restart as the proxy sees it: its events stream is cut mid-flight and the
 * socket is gone for a while, during which containers change. The proxy talks to the real
 * engine through a relay socket that can go down (helpers/engine-relay.ts); the test itself
 * changes containers through the engine's own socket.
 */
const sandbox = new Sandbox();
const docker = new ApiTransport();
const relay = new EngineRelay(sandbox.path('docker.sock'));
let proxy: RunningProxy;
const previousDockerHost = process.env.DOCKER_HOST;

beforeAll(async () => {
  await relay.start();
  // This file runs in its own worker: only its proxy talks to the engine through the relay.
  process.env.DOCKER_HOST = relay.dockerHost;
});

afterAll(async () => {
  if (previousDockerHost === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = previousDockerHost;
  await proxy?.close();
  await relay.outage();
  await sandbox.cleanup();
  docker.close();
});

it('reconnects after the engine goes away and catches up on everything that changed meanwhile', async () => {
  const port = await freePort();
  const before = await createWorkspaceContainer(docker, sandbox, { branch: 'before', ports: [port] });
  proxy = await startProxy({ home: sandbox.home, log: silentLog, discovery: await sandboxDiscovery(sandbox), upstream: 'bridge', watchConfig: false });
  await waitFor(() => whoami(port, `${before.id}.localhost:${port}`), 20_000, 'before to answer');
  const syncs = proxy.sync.syncCount;

  await relay.outage();
  await waitFor(() => !proxy.sync.connected, 30_000, 'the proxy to notice the outage');
  // While the proxy cannot see the engine: one workspace stops, another appears.
  await docker.request('POST', `/containers/${before.containerId}/stop?t=0`);
  const during = await createWorkspaceContainer(docker, sandbox, { branch: 'during', ports: [port] });
  expect((await request(port, `${during.id}.localhost:${port}`)).status).toBe(404);

  await relay.restore();
  await waitFor(() => proxy.sync.syncCount > syncs, 30_000, 'a resync');
  expect(proxy.sync.connected).toBe(true);
  expect((await waitFor(() => whoami(port, `${during.id}.localhost:${port}`), 20_000, 'during to answer')).name).toBe('during');
  expect((await request(port, `${before.id}.localhost:${port}`)).status).toBe(503);

  // The new events stream works: a start after the resync is seen.
  await docker.request('POST', `/containers/${before.containerId}/start`);
  expect((await waitFor(() => whoami(port, `${before.id}.localhost:${port}`), 20_000, 'before to answer again')).name).toBe('before');
});
