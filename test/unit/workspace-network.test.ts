import { describe, expect, it } from 'vitest';
import { DockerError } from '../../src/adapters/docker/docker-error.js';
import type { DockerEngine, NetworkDetails, NetworkSpec } from '../../src/adapters/docker/engine.js';
import { ensureWorkspaceNetwork } from '../../workspaces/network.js';

/** Only the two network calls ensureWorkspaceNetwork makes; the real engine is covered by test/security. */
function engineWith(existing: NetworkDetails | undefined) {
  const created: NetworkSpec[] = [];
  let network = existing;
  const engine = {
    inspectNetwork: async () => network,
    createNetwork: async (spec: NetworkSpec) => {
      created.push(spec);
      network = { id: 'n1', driver: 'bridge', labels: spec.labels, options: spec.options };
    },
  } as unknown as DockerEngine;
  return { engine, created };
}

const isolated: NetworkDetails = { id: 'n0', driver: 'bridge', labels: {}, options: { 'com.docker.network.bridge.enable_icc': 'false' } };

describe('ensureWorkspaceNetwork', () => {
  it('creates the network with inter-container traffic off when it is missing', async () => {
    const { engine, created } = engineWith(undefined);
    expect(await ensureWorkspaceNetwork(engine)).toBe('dual-workspaces');
    expect(created).toEqual([
      { name: 'dual-workspaces', labels: { 'dual.network': 'isolated' }, options: { 'com.docker.network.bridge.enable_icc': 'false' } },
    ]);
  });

  it('uses an existing isolating network as is', async () => {
    const { engine, created } = engineWith(isolated);
    expect(await ensureWorkspaceNetwork(engine)).toBe('dual-workspaces');
    expect(created).toEqual([]);
  });

  it('uses the network another create made in between (409)', async () => {
    let inspections = 0;
    const engine = {
      inspectNetwork: async () => (inspections++ === 0 ? undefined : isolated),
      createNetwork: async () => {
        throw new DockerError(409, 'network with name dual-workspaces already exists');
      },
    } as unknown as DockerEngine;
    expect(await ensureWorkspaceNetwork(engine)).toBe('dual-workspaces');
  });

  it('refuses a network of that name that lets containers reach each other', async () => {
    const { engine } = engineWith({ ...isolated, options: {} });
    await expect(ensureWorkspaceNetwork(engine)).rejects.toThrow(
      "Docker network 'dual-workspaces' exists but does not isolate containers from each other (it needs the bridge driver with com.docker.network.bridge.enable_icc=false); remove it with `docker network rm dual-workspaces` and dual makes it again",
    );
  });
});
