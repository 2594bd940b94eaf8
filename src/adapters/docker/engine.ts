import type { Duplex } from 'node:stream';
import type { ContainerInspect } from './api-types.js';

/**
 * Everything dual asks of the Docker engine, the CLI and the proxy alike. One implementation
 * (api-engine.ts, over the Engine API) made in one place (src/adapters/docker-connect.ts);
 * the interface keeps callers readable and lets pure logic be tested without an engine.
 * Failures are DockerErrors (docker-error.ts) or the "cannot reach the engine" DualError.
 */
export interface ContainerSummary {
  id: string;
  name: string;
  state: string; // running | exited | created | paused | restarting | dead
  status: string;
  image: string;
  labels: Record<string, string>;
  /** The address on its first network ('' when it has none, e.g. stopped). */
  ipAddress: string;
}

export interface ContainerDetails extends ContainerSummary {
  running: boolean;
  startedAt: string;
  /** When its previous run ended (a zero date when it never ran before). */
  finishedAt: string;
  networkMode: string;
  user: string;
  workingDir: string;
  env: string[];
  mounts: Array<{ type: string; name?: string; source: string; destination: string }>;
}

export interface VolumeSpec {
  name: string;
  labels: Record<string, string>;
}

export interface ContainerSpec {
  /** Undefined: the engine names it (a short-lived helper). */
  name?: string;
  image: string;
  /** Main process; undefined = the image's own command. */
  cmd?: string[];
  entrypoint?: string[];
  hostname?: string;
  user?: string;
  workingDir: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  /** host path -> same path inside */
  binds: Array<{ source: string; target: string; readOnly?: boolean }>;
  volumes: Array<{ name: string; target: string; readOnly?: boolean }>;
  /** Ports published on 127.0.0.1 with an ephemeral host port (for engines whose container IPs the host cannot reach). */
  publishLoopback: number[];
  /** `container:<id>` joins another container's network namespace; a network name joins that network. */
  networkMode?: string;
  /** No network at all, not even loopback-only `none` networking's interface setup. */
  networkDisabled?: boolean;
  init: boolean;
  memoryBytes?: number;
  nanoCpus?: number;
  stopTimeoutSeconds?: number;
  openStdin?: boolean;
}

export interface LogsOptions {
  follow: boolean;
  tail?: number;
  since?: number;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface NetworkSpec {
  name: string;
  labels: Record<string, string>;
  /** Driver options, e.g. com.docker.network.bridge.enable_icc. */
  options: Record<string, string>;
}

export interface NetworkDetails {
  id: string;
  driver: string;
  labels: Record<string, string>;
  options: Record<string, string>;
}

export interface ExecSpec {
  cmd: string[];
  /** KEY=VALUE entries added to the container's environment. */
  env?: string[];
  /** Empty or undefined: the container's own working directory. */
  workingDir?: string;
  user?: string;
  tty?: boolean;
  /** Attach stdin, stdout and stderr (an interactive session); false for a detached command. */
  attach: boolean;
  /** [rows, columns] of the TTY before the command starts (engines from API 1.42). */
  consoleSize?: [number, number];
}

export interface ExecState {
  running: boolean;
  /** Null until the engine has recorded it. */
  exitCode: number | null;
}

/** One container event (type container): `start`, `die`, `destroy`, ... */
export interface EngineEvent {
  containerId: string;
  action: string;
}

export interface EventSubscription {
  /** Ends the stream; `onEnd` is not called for a close the caller asked for. */
  close(): void;
}

export interface ContainerStats {
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
}

/** One event of the engine's pull stream: per layer (`id`) a status, and for Downloading/Extracting the bytes so far. */
export type PullProgress = (event: { status?: string; id?: string; progress?: string; progressDetail?: { current?: number; total?: number } }) => void;

/** What the engine says about itself (GET /version). */
export interface EngineFacts {
  /** The containers' OS and architecture, as Docker names them (linux, amd64). */
  os: string;
  arch: string;
  /** Docker Desktop runs containers in a VM: bind mounts cross a file-sharing layer. */
  dockerDesktop: boolean;
}

export interface DockerEngine {
  readonly display: string;
  ping(): Promise<void>;
  engineFacts(): Promise<EngineFacts>;
  listContainers(labelFilters: string[]): Promise<ContainerSummary[]>;
  inspectContainer(nameOrId: string): Promise<ContainerDetails | undefined>;
  /** The engine's inspect answer itself, for callers that read more than ContainerDetails (routes, clones). */
  inspectAnswer(nameOrId: string): Promise<ContainerInspect | undefined>;
  imageExists(image: string): Promise<boolean>;
  /** Aborting `signal` closes the request: the engine cancels the pull (nothing is tagged). */
  pullImage(image: string, onProgress: PullProgress, signal?: AbortSignal): Promise<void>;
  createVolume(spec: VolumeSpec): Promise<void>;
  listVolumes(labelFilters: string[]): Promise<Array<{ name: string; labels: Record<string, string> }>>;
  removeVolume(name: string): Promise<void>;
  inspectNetwork(name: string): Promise<NetworkDetails | undefined>;
  /** A bridge network; fails with the engine's 409 when one of that name exists. */
  createNetwork(spec: NetworkSpec): Promise<void>;
  createContainer(spec: ContainerSpec): Promise<string>;
  /**
   * Whether the engine sees this host folder (it runs on this machine, or shares its files):
   * false for a remote engine, where a bind mount of a worktree cannot work (mount-probe.ts).
   */
  seesHostPath(dir: string, labels: Record<string, string>): Promise<boolean>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  restartContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Waits for it to stop and returns its exit code. */
  waitContainer(id: string): Promise<number>;
  /** Force-removes it with its anonymous volumes, unless `keepVolumes` (another container takes them over). */
  removeContainer(id: string, options?: { keepVolumes?: boolean }): Promise<void>;
  renameContainer(id: string, name: string): Promise<void>;
  /**
   * The main process's output; follow keeps streaming until the container stops or the caller
   * aborts. `since` (Unix seconds, fractions allowed) skips what was logged before.
   */
  logs(id: string, options: LogsOptions): Promise<void>;
  stats(id: string): Promise<ContainerStats>;
  /** Container events matching the label filters, restricted to `actions`. Resolves once the stream is open. */
  containerEvents(
    filters: { labels: string[]; actions: readonly string[] },
    onEvent: (event: EngineEvent) => void,
    onEnd: (error?: Error) => void,
  ): Promise<EventSubscription>;
  /** Returns the exec's id; nothing runs until it is started. */
  createExec(containerId: string, spec: ExecSpec): Promise<string>;
  /** Starts an attached exec: the raw two-way stream (multiplexed, see demux.ts, unless it has a TTY). */
  startExec(execId: string, options: { tty: boolean; consoleSize?: [number, number] }): Promise<Duplex & { setNoDelay(noDelay?: boolean): unknown }>;
  /** Starts an exec with nothing attached and returns at once. */
  startExecDetached(execId: string): Promise<void>;
  inspectExec(execId: string): Promise<ExecState>;
  resizeExec(execId: string, rows: number, columns: number): Promise<void>;
  /** Releases idle connections (a short-lived CLI process calls this before it exits). */
  close(): void;
}
