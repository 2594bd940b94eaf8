import type { InspectAnswer } from '../../proxy/container-record.js';
import type { DockerDiscovery } from '../../proxy/docker-discovery.js';
import { createDockerodeDiscovery } from '../../proxy/dockerode-discovery.js';
import type { Sandbox } from './sandbox.js';

/**
 * The real engine, seen through a filter: only this sandbox's containers exist for the
 * proxy under test. Other test files (and a developer's own workspaces) share the engine;
 * without this the proxy would open their ports too.
 */
export async function sandboxDiscovery(sandbox: Sandbox): Promise<DockerDiscovery> {
  const inner = await createDockerodeDiscovery();
  const mine = (a: InspectAnswer | undefined) => (a?.Config?.Labels?.['dual.repo'] ?? '').endsWith(`-${sandbox.tag}`);
  return {
    display: inner.display,
    listLabelled: async () => (await inner.listLabelled()).filter(mine),
    inspect: async (id) => {
      const answer = await inner.inspect(id);
      return mine(answer) ? answer : undefined;
    },
    subscribe: (onEvent, onEnd) => inner.subscribe(onEvent, onEnd),
    isDockerDesktop: () => inner.isDockerDesktop(),
  };
}
