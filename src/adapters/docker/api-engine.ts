import type { Duplex } from 'node:stream';
import { DualError } from '../../model/errors.js';
import { createBody, toDetails, toSummary } from './answers.js';
import { containerEvents, containerLogs, containerStats, pullImage } from './api-streams.js';
import type { ApiTransport } from './api-transport.js';
import type { ContainerInspect, ContainerListEntry } from './api-types.js';
import { DockerError, isDockerStatus } from './docker-error.js';
import { mountProbeBody, mountProbeVerdict } from './mount-probe.js';
import { pullFailure } from './pull-failure.js';
import { registryAuth } from './registry-auth.js';
import type {
  ContainerDetails,
  ContainerSpec,
  ContainerStats,
  ContainerSummary,
  DockerEngine,
  EngineFacts,
  EventSubscription,
  ExecSpec,
  ExecState,
  LogsOptions,
  NetworkDetails,
  NetworkSpec,
  PullProgress,
  VolumeSpec,
} from './engine.js';

/** The DockerEngine: every call is one Engine API request (or stream) through the transport. */
export class ApiEngine implements DockerEngine {
  constructor(private readonly api: ApiTransport) {}

  get display(): string {
    return this.api.display;
  }

  async ping(): Promise<void> {
    await this.api.request('GET', '/version');
  }

  async engineFacts(): Promise<EngineFacts> {
    const v = await this.api.request<{ Os?: string; Arch?: string; KernelVersion?: string; Platform?: { Name?: string } }>('GET', '/version');
    return {
      os: v.Os ?? '',
      arch: v.Arch ?? '',
      dockerDesktop: /docker desktop/i.test(v.Platform?.Name ?? '') || /linuxkit/i.test(v.KernelVersion ?? ''),
    };
  }

  async listContainers(labelFilters: string[]): Promise<ContainerSummary[]> {
    const list = await this.api.request<ContainerListEntry[]>('GET', `/containers/json?all=1&filters=${labels(labelFilters)}`);
    return list.map(toSummary);
  }

  async inspectContainer(nameOrId: string): Promise<ContainerDetails | undefined> {
    const answer = await this.inspectAnswer(nameOrId);
    return answer ? toDetails(answer) : undefined;
  }

  inspectAnswer(nameOrId: string): Promise<ContainerInspect | undefined> {
    return ignoring(404, () => this.api.request<ContainerInspect>('GET', `/containers/${encodeURIComponent(nameOrId)}/json`));
  }

  async imageExists(image: string): Promise<boolean> {
    return (await ignoring(404, () => this.api.request('GET', `/images/${encodeURIComponent(image)}/json`).then(() => true))) ?? false;
  }

  /** With the credentials `docker login` stored for the image's registry, as `docker pull` would. */
  async pullImage(image: string, onProgress: PullProgress, signal?: AbortSignal): Promise<void> {
    try {
      await pullImage(this.api, image, onProgress, registryAuth(image), signal);
    } catch (error) {
      // The engine's refusal (before or inside the stream) or a connection cut mid-pull: one line saying what to do.
      if (error instanceof DockerError || !(error instanceof DualError)) throw pullFailure(image, (error as Error).message);
      throw error;
    }
  }

  async createVolume(spec: VolumeSpec): Promise<void> {
    await this.api.request('POST', '/volumes/create', { Name: spec.name, Labels: spec.labels });
  }

  async listVolumes(labelFilters: string[]): Promise<Array<{ name: string; labels: Record<string, string> }>> {
    const answer = await this.api.request<{ Volumes: Array<{ Name: string; Labels: Record<string, string> | null }> | null }>(
      'GET',
      `/volumes?filters=${labels(labelFilters)}`,
    );
    return (answer.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
  }

  async removeVolume(name: string): Promise<void> {
    await ignoring(404, () => this.api.request('DELETE', `/volumes/${encodeURIComponent(name)}?force=1`));
  }

  async inspectNetwork(name: string): Promise<NetworkDetails | undefined> {
    const answer = await ignoring(404, () =>
      this.api.request<{ Id: string; Driver: string; Labels: Record<string, string> | null; Options: Record<string, string> | null }>(
        'GET',
        `/networks/${encodeURIComponent(name)}`,
      ),
    );
    return answer && { id: answer.Id, driver: answer.Driver, labels: answer.Labels ?? {}, options: answer.Options ?? {} };
  }

  async createNetwork(spec: NetworkSpec): Promise<void> {
    await this.api.request('POST', '/networks/create', {
      Name: spec.name,
      Driver: 'bridge',
      // Refuse a second network of the same name (engines before API 1.44 allow duplicates otherwise).
      CheckDuplicate: true,
      Labels: spec.labels,
      Options: spec.options,
    });
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const query = spec.name === undefined ? '' : `?name=${encodeURIComponent(spec.name)}`;
    const created = await this.api.request<{ Id: string }>('POST', `/containers/create${query}`, createBody(spec));
    return created.Id;
  }

  async seesHostPath(dir: string, labels: Record<string, string>): Promise<boolean> {
    try {
      // Only an engine that has an image of that name gets this far: it created the container, so it saw the folder.
      const made = await this.api.request<{ Id: string }>('POST', '/containers/create', mountProbeBody(dir, labels));
      await this.removeContainer(made.Id);
      return true;
    } catch (error) {
      if (!(error instanceof DockerError)) throw error;
      return mountProbeVerdict(error.status, error.message) ?? true;
    }
  }

  async startContainer(id: string): Promise<void> {
    await ignoring(304, () => this.api.request('POST', `/containers/${encodeURIComponent(id)}/start`));
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await ignoring(304, () => this.api.request('POST', `/containers/${encodeURIComponent(id)}/stop?t=${timeoutSeconds}`));
  }

  async restartContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.api.request('POST', `/containers/${encodeURIComponent(id)}/restart?t=${timeoutSeconds}`);
  }

  async waitContainer(id: string): Promise<number> {
    const waited = await this.api.request<{ StatusCode: number }>('POST', `/containers/${encodeURIComponent(id)}/wait`);
    return waited.StatusCode;
  }

  async removeContainer(id: string, options: { keepVolumes?: boolean } = {}): Promise<void> {
    await ignoring(404, () => this.api.request('DELETE', `/containers/${encodeURIComponent(id)}?force=1${options.keepVolumes ? '' : '&v=1'}`));
  }

  async renameContainer(id: string, name: string): Promise<void> {
    await this.api.request('POST', `/containers/${encodeURIComponent(id)}/rename?name=${encodeURIComponent(name)}`);
  }

  logs(id: string, options: LogsOptions): Promise<void> {
    return containerLogs(this.api, id, options);
  }

  stats(id: string): Promise<ContainerStats> {
    return containerStats(this.api, id);
  }

  containerEvents(...[filters, onEvent, onEnd]: Parameters<DockerEngine['containerEvents']>): Promise<EventSubscription> {
    return containerEvents(this.api, filters, onEvent, onEnd);
  }

  async createExec(containerId: string, spec: ExecSpec): Promise<string> {
    const created = await this.api.request<{ Id: string }>('POST', `/containers/${encodeURIComponent(containerId)}/exec`, {
      ConsoleSize: spec.consoleSize,
      AttachStdin: spec.attach,
      AttachStdout: spec.attach,
      AttachStderr: spec.attach,
      Tty: spec.tty ?? false,
      Env: spec.env,
      WorkingDir: spec.workingDir,
      User: spec.user,
      Cmd: spec.cmd,
    });
    return created.Id;
  }

  startExec(execId: string, options: { tty: boolean; consoleSize?: [number, number] }): Promise<Duplex & { setNoDelay(noDelay?: boolean): unknown }> {
    return this.api.hijack(`/exec/${execId}/start`, { Detach: false, Tty: options.tty, ConsoleSize: options.consoleSize });
  }

  async startExecDetached(execId: string): Promise<void> {
    await this.api.request('POST', `/exec/${execId}/start`, { Detach: true, Tty: false });
  }

  async inspectExec(execId: string): Promise<ExecState> {
    const info = await this.api.request<{ Running: boolean; ExitCode: number | null }>('GET', `/exec/${execId}/json`);
    return { running: info.Running, exitCode: info.ExitCode };
  }

  async resizeExec(execId: string, rows: number, columns: number): Promise<void> {
    await this.api.request('POST', `/exec/${execId}/resize?h=${rows}&w=${columns}`);
  }

  close(): void {
    this.api.close();
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
    if (isDockerStatus(error, status)) return undefined;
    throw error;
  }
}
