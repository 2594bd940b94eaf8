import Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { DualError, engineUnreachableError, isEngineUnreachable } from '../errors.js';
import { engineAddress } from './connection.js';
import type { ContainerDetails, ContainerSpec, ContainerSummary, DockerEngine, PullProgress, VolumeSpec } from './engine.js';

/** DockerEngine over dockerode. Errors become DualErrors whose message says what to do. */
export class DockerodeEngine implements DockerEngine {
  private readonly docker: Docker;
  readonly display: string;

  constructor() {
    const address = engineAddress();
    this.display = address.display;
    this.docker =
      address.kind === 'unix'
        ? new Docker({ socketPath: address.socketPath })
        : new Docker({ host: address.host, port: address.port, protocol: 'http' });
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isEngineUnreachable(error)) throw engineUnreachableError(this.display);
      throw error;
    }
  }

  async ping(): Promise<void> {
    await this.call(() => this.docker.ping());
  }

  async listContainers(labelFilters: string[]): Promise<ContainerSummary[]> {
    const list = await this.call(() => this.docker.listContainers({ all: true, filters: { label: labelFilters } }));
    return list.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      state: c.State,
      status: c.Status,
      image: c.Image,
      labels: c.Labels ?? {},
    }));
  }

  async inspectContainer(nameOrId: string): Promise<ContainerDetails | undefined> {
    try {
      const c = await this.call(() => this.docker.getContainer(nameOrId).inspect());
      const networks = Object.values(c.NetworkSettings.Networks ?? {});
      return {
        id: c.Id,
        name: c.Name.replace(/^\//, ''),
        state: c.State.Status,
        status: c.State.Status,
        image: c.Config.Image,
        labels: c.Config.Labels ?? {},
        running: c.State.Running,
        startedAt: c.State.StartedAt,
        networkMode: c.HostConfig.NetworkMode ?? '',
        ipAddress: networks[0]?.IPAddress ?? '',
        user: c.Config.User ?? '',
        workingDir: c.Config.WorkingDir ?? '',
        env: c.Config.Env ?? [],
        mounts: (c.Mounts ?? []).map((m) => ({ type: m.Type, name: m.Name, source: m.Source, destination: m.Destination })),
      };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.call(() => this.docker.getImage(image).inspect());
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw error;
    }
  }

  async pullImage(image: string, onProgress: PullProgress): Promise<void> {
    try {
      const stream = await this.call(() => this.docker.pull(image));
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(
          stream,
          (error: Error | null) => (error ? reject(error) : resolve()),
          onProgress,
        );
      });
    } catch (error) {
      if (error instanceof DualError) throw error;
      const reason = firstLine((error as Error).message.replace(/^\(HTTP code \d+\) [a-z ]+ - /, ''));
      throw new DualError(`cannot pull image ${image}: ${reason}; check the name, your network, or build it locally`);
    }
  }

  async createVolume(spec: VolumeSpec): Promise<void> {
    await this.call(() => this.docker.createVolume({ Name: spec.name, Labels: spec.labels }));
  }

  async listVolumes(labelFilters: string[]): Promise<Array<{ name: string; labels: Record<string, string> }>> {
    const result = await this.call(() => this.docker.listVolumes({ filters: { label: labelFilters } }));
    return (result.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.call(() => this.docker.getVolume(name).remove({ force: true }));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const exposed: Record<string, object> = {};
    const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
    for (const port of spec.publishLoopback) {
      exposed[`${port}/tcp`] = {};
      bindings[`${port}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: '' }];
    }
    const container = await this.call(() =>
      this.docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Cmd: spec.cmd,
        Entrypoint: spec.entrypoint,
        Hostname: spec.networkMode ? undefined : spec.hostname,
        User: spec.user,
        WorkingDir: spec.workingDir,
        Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        Labels: spec.labels,
        ExposedPorts: exposed,
        OpenStdin: spec.openStdin ?? false,
        StopTimeout: spec.stopTimeoutSeconds,
        HostConfig: {
          Init: spec.init,
          Binds: spec.binds.map((b) => `${b.source}:${b.target}${b.readOnly ? ':ro' : ''}`),
          Mounts: spec.volumes.map((v) => ({ Type: 'volume' as const, Source: v.name, Target: v.target })),
          PortBindings: bindings,
          NetworkMode: spec.networkMode,
          Memory: spec.memoryBytes,
          NanoCpus: spec.nanoCpus,
        },
      }),
    );
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    await this.ignoreStatus(304, () => this.docker.getContainer(id).start());
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.ignoreStatus(304, () => this.docker.getContainer(id).stop({ t: timeoutSeconds }));
  }

  async restartContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.call(() => this.docker.getContainer(id).restart({ t: timeoutSeconds }));
  }

  async removeContainer(id: string): Promise<void> {
    await this.ignoreStatus(404, () => this.docker.getContainer(id).remove({ force: true, v: true }));
  }

  async logs(
    id: string,
    options: { follow: boolean; tail?: number; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; signal?: AbortSignal },
  ): Promise<void> {
    const container = this.docker.getContainer(id);
    const info = await this.call(() => container.inspect());
    const common = { stdout: true, stderr: true, ...(options.tail === undefined ? {} : { tail: options.tail }) };
    if (!options.follow) {
      const buffer = (await this.call(() => container.logs({ ...common, follow: false as const }))) as unknown as Buffer;
      if (info.Config.Tty) options.stdout.write(buffer);
      else demuxBuffer(buffer, options.stdout, options.stderr);
      return;
    }
    const stream = (await this.call(() => container.logs({ ...common, follow: true as const }))) as NodeJS.ReadableStream & { destroy(): void };
    options.signal?.addEventListener('abort', () => stream.destroy());
    await new Promise<void>((resolve, reject) => {
      if (info.Config.Tty) stream.pipe(options.stdout, { end: false });
      else {
        const out = new PassThrough();
        const err = new PassThrough();
        out.pipe(options.stdout, { end: false });
        err.pipe(options.stderr, { end: false });
        this.docker.modem.demuxStream(stream, out, err);
      }
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
  }

  async stats(id: string): Promise<{ cpuPercent: number; memoryBytes: number; memoryLimitBytes: number }> {
    const s = (await this.call(() => this.docker.getContainer(id).stats({ stream: false }))) as unknown as DockerStats;
    const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
    const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
    const cpus = s.cpu_stats.online_cpus ?? 1;
    const cpuPercent = systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
    const cache = s.memory_stats.stats?.inactive_file ?? s.memory_stats.stats?.cache ?? 0;
    return { cpuPercent, memoryBytes: Math.max(0, (s.memory_stats.usage ?? 0) - cache), memoryLimitBytes: s.memory_stats.limit ?? 0 };
  }

  private async ignoreStatus(status: number, work: () => Promise<unknown>): Promise<void> {
    try {
      await this.call(work);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== status) throw error;
    }
  }
}

interface DockerStats {
  cpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number };
  memory_stats: { usage?: number; limit?: number; stats?: { cache?: number; inactive_file?: number } };
}

/** Docker's multiplexed log format: 8-byte header (stream, 0, 0, 0, size32be) then payload. */
function demuxBuffer(buffer: Buffer, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): void {
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const kind = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const payload = buffer.subarray(offset + 8, offset + 8 + size);
    (kind === 2 ? stderr : stdout).write(payload);
    offset += 8 + size;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
