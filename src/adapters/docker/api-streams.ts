import type { IncomingMessage } from 'node:http';
import { DualError } from '../../model/errors.js';
import type { ApiTransport } from './api-transport.js';
import type { ContainerInspect } from './api-types.js';
import { demuxTo } from './demux.js';
import { DockerError, dockerErrorFromStream } from './docker-error.js';
import type { ContainerStats, EngineEvent, EventSubscription, LogsOptions, PullProgress } from './engine.js';
import { onJsonLines } from './json-lines.js';
import type { RegistryAuth } from './registry-auth.js';

/** The Engine API calls whose answer is a stream: pull progress, logs, events; and stats. */

/**
 * POST /images/create: progress events as they come. A failure after the stream began (a
 * layer cut off, a digest mismatch) is an event with `error`, not a failed answer: it rejects too.
 * Aborting `signal` closes the connection, which makes the engine cancel the pull; it rejects
 * with "interrupted", never resolves as if the image were there.
 */
export async function pullImage(api: ApiTransport, image: string, onProgress: PullProgress, auth?: RegistryAuth, signal?: AbortSignal): Promise<void> {
  const { repository, tag } = parseImageReference(image);
  // The engine decodes X-Registry-Auth as padded URL-safe base64 (what the docker CLI sends).
  const headers = auth ? { 'X-Registry-Auth': Buffer.from(JSON.stringify(auth)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_') } : {};
  let failure: DockerError | undefined;
  try {
    const res = await api.stream('POST', `/images/create?fromImage=${encodeURIComponent(repository)}&tag=${encodeURIComponent(tag)}`, undefined, headers, signal);
    onJsonLines(res, (value) => {
      const event = value as Parameters<PullProgress>[0] & { error?: string; errorDetail?: { message?: string } };
      if (event.error || event.errorDetail) failure ??= dockerErrorFromStream(event);
      else onProgress(event);
    });
    await ended(res);
  } catch (error) {
    if (signal?.aborted) throw pullInterrupted(image);
    throw error;
  }
  if (signal?.aborted) throw pullInterrupted(image);
  if (failure) throw failure;
}

function pullInterrupted(image: string): DualError {
  return new DualError(`the pull of ${image} was interrupted`);
}

/** `name[:tag]`, `name@digest`, `host:port/name[:tag]` as the engine wants them: the tag apart, `latest` by default. */
export function parseImageReference(image: string): { repository: string; tag: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { repository: image.slice(0, at), tag: image.slice(at + 1) };
  const colon = image.lastIndexOf(':');
  if (colon >= 0 && !image.slice(colon + 1).includes('/')) return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repository: image, tag: 'latest' };
}

/** GET /containers/{id}/logs: demultiplexed unless the container has a TTY; `follow` streams until it stops or the signal aborts. */
export async function containerLogs(api: ApiTransport, id: string, options: LogsOptions): Promise<void> {
  const info = await api.request<ContainerInspect>('GET', `/containers/${encodeURIComponent(id)}/json`);
  const query = new URLSearchParams({ stdout: '1', stderr: '1', follow: options.follow ? '1' : '0' });
  if (options.tail !== undefined) query.set('tail', String(options.tail));
  if (options.since !== undefined) query.set('since', String(options.since));
  const res = await api.stream('GET', `/containers/${encodeURIComponent(id)}/logs?${query}`);
  // Aborted while the request was on its way: the listener below would never fire.
  if (options.signal?.aborted) {
    res.destroy();
    return;
  }
  options.signal?.addEventListener('abort', () => res.destroy());
  if (info.Config?.Tty) res.on('data', (chunk: Buffer) => options.stdout.write(chunk));
  else {
    const demuxer = demuxTo(options.stdout, options.stderr);
    res.on('data', (chunk: Buffer) => demuxer.push(chunk));
  }
  await ended(res);
}

/** One sample of GET /containers/{id}/stats, as `docker stats` computes CPU and memory. */
export async function containerStats(api: ApiTransport, id: string): Promise<ContainerStats> {
  const s = await api.request<EngineStats>('GET', `/containers/${encodeURIComponent(id)}/stats?stream=false`);
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus ?? 1;
  const cpuPercent = systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const cache = s.memory_stats.stats?.inactive_file ?? s.memory_stats.stats?.cache ?? 0;
  return { cpuPercent, memoryBytes: Math.max(0, (s.memory_stats.usage ?? 0) - cache), memoryLimitBytes: s.memory_stats.limit ?? 0 };
}

interface EngineStats {
  cpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number };
  memory_stats: { usage?: number; limit?: number; stats?: { cache?: number; inactive_file?: number } };
}

/** GET /events for containers: open until closed, or until the engine ends it (then `onEnd`). */
export async function containerEvents(
  api: ApiTransport,
  filters: { labels: string[]; actions: readonly string[] },
  onEvent: (event: EngineEvent) => void,
  onEnd: (error?: Error) => void,
): Promise<EventSubscription> {
  const query = JSON.stringify({ type: ['container'], label: filters.labels, event: [...filters.actions] });
  const res = await api.stream('GET', `/events?filters=${encodeURIComponent(query)}`);
  let closedByUs = false;
  let ended = false;
  const end = (error?: Error) => {
    if (ended || closedByUs) return;
    ended = true;
    onEnd(error);
  };
  onJsonLines(res, (value) => {
    const event = value as { id?: string; Action?: string; status?: string; Actor?: { ID?: string } };
    const containerId = event.Actor?.ID ?? event.id;
    if (containerId) onEvent({ containerId, action: event.Action ?? event.status ?? '' });
  });
  res.on('error', (error: Error) => end(error));
  res.on('end', () => end());
  res.on('close', () => end());
  return {
    close: () => {
      closedByUs = true;
      res.destroy();
    },
  };
}

/** Resolves when the answer has been read to its end or was closed (destroyed by an abort). */
function ended(res: IncomingMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    res.on('end', resolve);
    res.on('close', resolve);
    res.on('error', reject);
  });
}
