import Docker from 'dockerode';
import { DualError, engineUnreachableError, isEngineUnreachable } from '../../model/errors.js';
import { engineAddress } from './connection.js';
import { dockerodeOptions } from './engine-agent.js';
import type { LogsOptions, PullProgress } from './engine.js';
import { pullFailure } from './pull-failure.js';
import { registryAuth } from './registry-auth.js';

/**
 * The streaming Engine API calls, over dockerode: pull progress, following logs, stats. The
 * CLI's other calls go through the lean client (lean-engine.ts), which loads this on first use.
 */
export class DockerodeStreams {
  private readonly docker: Docker;
  readonly display: string;

  constructor() {
    const address = engineAddress();
    this.display = address.display;
    this.docker = new Docker(dockerodeOptions(address));
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isEngineUnreachable(error)) throw engineUnreachableError(this.display);
      throw error;
    }
  }

  async pullImage(image: string, onProgress: PullProgress, signal?: AbortSignal): Promise<void> {
    try {
      const auth = registryAuth(image);
      const stream = await this.call(() => this.docker.pull(image, { ...(auth ? { authconfig: auth } : {}), ...(signal ? { abortSignal: signal } : {}) }));
      signal?.addEventListener('abort', () => (stream as NodeJS.ReadableStream & { destroy(): void }).destroy(), { once: true });
      await new Promise<void>((resolve, reject) => {
        // A failure after the stream began (a layer or the config cut off, a digest mismatch) is
        // a progress event with `error`, not a stream error: followProgress alone would resolve.
        let failure: string | undefined;
        this.docker.modem.followProgress(
          stream,
          (error: Error | null) => (error ? reject(error) : failure ? reject(new Error(failure)) : resolve()),
          (event: Parameters<PullProgress>[0] & { error?: string }) => {
            if (event.error) failure ??= event.error;
            else onProgress(event);
          },
        );
      });
    } catch (error) {
      if (error instanceof DualError) throw error;
      throw pullFailure(image, (error as Error).message);
    }
  }

  async logs(id: string, options: LogsOptions): Promise<void> {
    const container = this.docker.getContainer(id);
    const info = await this.call(() => container.inspect());
    const common = {
      stdout: true,
      stderr: true,
      ...(options.tail === undefined ? {} : { tail: options.tail }),
      ...(options.since === undefined ? {} : { since: options.since }),
    };
    if (!options.follow) {
      const buffer = (await this.call(() => container.logs({ ...common, follow: false as const }))) as unknown as Buffer;
      if (info.Config.Tty) options.stdout.write(buffer);
      else demuxBuffer(buffer, options.stdout, options.stderr);
      return;
    }
    const stream = (await this.call(() => container.logs({ ...common, follow: true as const }))) as NodeJS.ReadableStream & { destroy(): void };
    // Aborted while the request was on its way: the listener below would never fire.
    if (options.signal?.aborted) {
      stream.destroy();
      return;
    }
    options.signal?.addEventListener('abort', () => stream.destroy());
    await new Promise<void>((resolve, reject) => {
      if (info.Config.Tty) stream.pipe(options.stdout, { end: false });
      // Written frame by frame in the log's own order (through two pipes, stdout and stderr lines could swap).
      else this.docker.modem.demuxStream(stream, options.stdout, options.stderr);
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
