import type { DockerEngine } from '../src/adapters/docker/engine.js';
import { homeFilters, LABEL } from '../src/model/labels.js';
import type { ContainerInspect } from '../src/adapters/docker/api-types.js';
import { ROUTE_ACTIONS, type DockerDiscovery } from './docker-discovery.js';

/**
 * DockerDiscovery over the DockerEngine, for one DUAL_HOME: only its containers (another
 * installation's are not ours to route), fully inspected.
 */
export function engineDiscovery(docker: DockerEngine, home: string): DockerDiscovery {
  const labels = homeFilters(home, LABEL.workspace);
  const inspect = (containerId: string) => docker.inspectAnswer(containerId);
  return {
    display: docker.display,
    async listLabelled() {
      const list = await docker.listContainers(homeFilters(home, LABEL.workspace));
      const answers = await Promise.all(list.map((c) => inspect(c.id)));
      return answers.filter((a): a is ContainerInspect => a !== undefined);
    },
    inspect,
    subscribe: (onEvent, onEnd) => docker.containerEvents({ labels, actions: ROUTE_ACTIONS }, onEvent, onEnd),
    isDockerDesktop: async () => (await docker.engineFacts()).dockerDesktop,
  };
}
