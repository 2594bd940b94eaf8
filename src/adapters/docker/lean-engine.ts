import type { ContainerDetails, ContainerSpec, ContainerSummary, DockerEngine, EngineFacts, NetworkDetails, NetworkSpec, PullProgress, VolumeSpec } from './engine.js';
import { createBody, toDetails, toSummary, type InspectEntry, type ListEntry } from './answers.js';
import { ApiError, LeanDockerClient } from './lean-client.js';
import { mountProbeBody, mountProbeVerdict } from './mount-probe.js';
import type { DockerodeStreams } from './dockerode-streams.js';

/**
 * The DockerEngine the CLI uses: plain request/answer calls go through the lean client, and
 * only the streaming ones (pull progress, following logs, stats) load dockerode, on first use.
 * Why: loading dockerode costs about 160 ms, twice what `dual list` needs in all without it.
 */
export class LeanEngine implements DockerEngine {
  private streams?: Promise<DockerodeStreams>;

  constructor(private readonly client: LeanDockerClient) {}

  get display(): string {
    return this.client.display;
  }

  private dockerode(): Promise<DockerodeStreams> {
    this.streams ??= import('./dockerode-streams.js').then(({ DockerodeStreams: Streams }) => new Streams());
    return this.streams;
  }

  async ping(): Promise<void> {
    await this.client.request('GET', '/version');
  }

  async engineFacts(): Promise<EngineFacts> {
    const v = await this.client.request<{ Os?: string; Arch?: string; KernelVersion?: string; Platform?: { Name?: string } }>('GET', '/version');
    return {
      os: v.Os ?? '',
      arch: v.Arch ?? '',
      dockerDesktop: /docker desktop/i.test(v.Platform?.Name ?? '') || /linuxkit/i.test(v.KernelVersion ?? ''),
    };
  }

  async listContainers(labelFilters: string[]): Promise<ContainerSummary[]> {
    const list = await this.client.request<ListEntry[]>('GET', `/containers/json?all=1&filters=${labels(labelFilters)}`);
    return list.map(toSummary);
  }

  async inspectContainer(nameOrId: string): Promise<ContainerDetails | undefined> {
    const answer = await ignoring(404, () => this.client.request<InspectEntry>('GET', `/containers/${encodeURIComponent(nameOrId)}/json`));
    return answer ? toDetails(answer) : undefined;
  }

  async imageExists(image: string): Promise<boolean> {
    return (await ignoring(404, () => this.client.request('GET', `/images/${encodeURIComponent(image)}/json`).then(() => true))) ?? false;
  }

  async pullImage(image: string, onProgress: PullProgress, signal?: AbortSignal): Promise<void> {
    await (await this.dockerode()).pullImage(image, onProgress, signal);
  }

  async createVolume(spec: VolumeSpec): Promise<void> {
    await this.client.request('POST', '/volumes/create', { Name: spec.name, Labels: spec.labels });
  }

  async listVolumes(labelFilters: string[]): Promise<Array<{ name: string; labels: Record<string, string> }>> {
    const answer = await this.client.request<{ Volumes: Array<{ Name: string; Labels: Record<string, string> | null }> | null }>(
      'GET',
      `/volumes?filters=${labels(labelFilters)}`,
    );
    return (answer.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
  }

  async removeVolume(name: string): Promise<void> {
    await ignoring(404, () => this.client.request('DELETE', `/volumes/${encodeURIComponent(name)}?force=1`));
  }

  async inspectNetwork(name: string): Promise<NetworkDetails | undefined> {
    const answer = await ignoring(404, () =>
      this.client.request<{ Id: string; Driver: string; Labels: Record<string, string> | null; Options: Record<string, string> | null }>(
        'GET',
        `/networks/${encodeURIComponent(name)}`,
      ),
    );
    return answer && { id: answer.Id, driver: answer.Driver, labels: answer.Labels ?? {}, options: answer.Options ?? {} };
  }

  async createNetwork(spec: NetworkSpec): Promise<void> {
    await this.client.request('POST', '/networks/create', {
      Name: spec.name,
      Driver: 'bridge',
      // Refuse a second network of the same name (engines before API 1.44 allow duplicates otherwise).
      CheckDuplicate: true,
      Labels: spec.labels,
      Options: spec.options,
    });
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const created = await this.client.request<{ Id: string }>('POST', `/containers/create?name=${encodeURIComponent(spec.name)}`, createBody(spec));
    return created.Id;
  }

  async seesHostPath(dir: string, labels: Record<string, string>): Promise<boolean> {
    try {
      // Only an engine that has an image of that name gets this far: it created the container, so it saw the folder.
      const made = await this.client.request<{ Id: string }>('POST', '/containers/create', mountProbeBody(dir, labels));
      await this.removeContainer(made.Id);
      return true;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return mountProbeVerdict(error.statusCode, error.message) ?? true;
    }
  }

  async startContainer(id: string): Promise<void> {
    await ignoring(304, () => this.client.request('POST', `/containers/${encodeURIComponent(id)}/start`));
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await ignoring(304, () => this.client.request('POST', `/containers/${encodeURIComponent(id)}/stop?t=${timeoutSeconds}`));
  }

  async restartContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.client.request('POST', `/containers/${encodeURIComponent(id)}/restart?t=${timeoutSeconds}`);
  }

  async removeContainer(id: string): Promise<void> {
    await ignoring(404, () => this.client.request('DELETE', `/containers/${encodeURIComponent(id)}?force=1&v=1`));
  }

  async renameContainer(id: string, name: string): Promise<void> {
    await this.client.request('POST', `/containers/${encodeURIComponent(id)}/rename?name=${encodeURIComponent(name)}`);
  }

  async logs(...args: Parameters<DockerEngine['logs']>): Promise<void> {
    await (await this.dockerode()).logs(...args);
  }

  async stats(id: string): Promise<{ cpuPercent: number; memoryBytes: number; memoryLimitBytes: number }> {
    return (await this.dockerode()).stats(id);
  }
}

function labels(filters: string[]): string {
  return encodeURIComponent(JSON.stringify({ label: filters }));
}

/** Runs `work`; an engine answer with `status` (404 not found, 304 already in that state) counts as done. */
async function ignoring<T>(status: number, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError && error.statusCode === status) return undefined;
    throw error;
  }
}
