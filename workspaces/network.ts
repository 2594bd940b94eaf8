import { isDockerStatus } from '../src/adapters/docker/docker-error.js';
import type { DockerEngine } from '../src/adapters/docker/engine.js';
import { DualError } from '../src/model/errors.js';
import { LABEL } from '../src/model/labels.js';
import { WORKSPACE_NETWORK } from '../src/model/naming.js';

/** Docker's bridge driver option that drops traffic between two containers of the network. */
const ICC_OPTION = 'com.docker.network.bridge.enable_icc';

/**
 * Makes sure the workspace network exists and isolates: a bridge with inter-container
 * communication off. Workspaces (and the attached containers in their namespaces) reach the
 * internet and are reached by the host (the proxy dials their IPs), but not each other.
 *
 * Why one shared network rather than one per workspace: each bridge network takes a subnet
 * from the engine's address pools, and the default pools hold 30 (measured: the 31st
 * `docker network create` fails with "could not find an available, non-overlapping IPv4
 * address pool"), fewer than the 50 workspaces one machine runs. With ICC off, one network
 * isolates as well as many, costs one subnet, and never needs removing. It carries no
 * dual.home label: every installation on the engine shares it (and is isolated by it).
 *
 * A network of that name without ICC off (made by hand, or by someone wanting to reach other
 * workspaces) is refused rather than used.
 */
export async function ensureWorkspaceNetwork(docker: DockerEngine): Promise<string> {
  let network = await docker.inspectNetwork(WORKSPACE_NETWORK);
  if (!network) {
    try {
      await docker.createNetwork({
        name: WORKSPACE_NETWORK,
        labels: { [LABEL.network]: 'isolated' },
        options: { [ICC_OPTION]: 'false' },
      });
    } catch (error) {
      // Another `dual create` made it a moment ago: use theirs (checked below like any other).
      if (!isDockerStatus(error, 409)) throw error;
    }
    network = await docker.inspectNetwork(WORKSPACE_NETWORK);
  }
  if (!network || network.driver !== 'bridge' || network.options[ICC_OPTION] !== 'false') {
    throw new DualError(
      `Docker network '${WORKSPACE_NETWORK}' exists but does not isolate containers from each other (it needs the bridge driver with ${ICC_OPTION}=false); remove it with \`docker network rm ${WORKSPACE_NETWORK}\` and dual makes it again`,
    );
  }
  return WORKSPACE_NETWORK;
}
