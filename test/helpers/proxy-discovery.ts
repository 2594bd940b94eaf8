import type { DockerDiscovery } from '../../proxy/docker-discovery.js';
import { connectDocker } from '../../src/adapters/docker-connect.js';
import { engineDiscovery } from '../../proxy/engine-discovery.js';
import type { Sandbox } from './sandbox.js';

/**
 * The real engine as the proxy of this sandbox's DUAL_HOME sees it: only containers labelled
 * with that home. Other test files (and a developer's own workspaces) share the engine; the
 * production filter keeps their ports out of this proxy.
 */
export async function sandboxDiscovery(sandbox: Sandbox): Promise<DockerDiscovery> {
  return engineDiscovery(connectDocker(), sandbox.home);
}
