import { ApiTransport } from '../src/adapters/docker/api-transport.js';

/** Removes every container and volume labelled with this run's repo name, whatever state they are in. */
export async function removeLabelled(repo: string): Promise<number> {
  const docker = new ApiTransport();
  try {
    const filter = encodeURIComponent(JSON.stringify({ label: [`dual.repo=${repo}`] }));
    const containers = await docker.request<Array<{ Id: string }>>('GET', `/containers/json?all=1&filters=${filter}`);
    await Promise.all(containers.map((c) => docker.request('DELETE', `/containers/${c.Id}?force=1&v=1`).catch(() => undefined)));
    const volumes = await docker.request<{ Volumes: Array<{ Name: string }> | null }>('GET', `/volumes?filters=${filter}`);
    await Promise.all((volumes.Volumes ?? []).map((v) => docker.request('DELETE', `/volumes/${v.Name}?force=1`).catch(() => undefined)));
    return containers.length;
  } finally {
    docker.close();
  }
}

/** The container's bridge address (default bridge, or the workspace network): the "direct" path, what any proxy dials. */
export async function bridgeIp(containerName: string): Promise<string> {
  const docker = new ApiTransport();
  try {
    const c = await docker.request<{ NetworkSettings: { IPAddress: string; Networks?: Record<string, { IPAddress: string }> } }>(
      'GET',
      `/containers/${containerName}/json`,
    );
    const ip = c.NetworkSettings.IPAddress || Object.values(c.NetworkSettings.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
    if (!ip) throw new Error(`${containerName} has no bridge IP`);
    return ip;
  } finally {
    docker.close();
  }
}
