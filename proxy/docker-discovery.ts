import type { InspectAnswer } from './container-record.js';

/**
 * The slice of Docker the proxy needs, behind an interface so the sync logic and the data
 * path are tested without an engine. One implementation (dockerode-discovery.ts) talks to
 * the real engine.
 */
export interface ContainerEvent {
  containerId: string;
  /** start, die, stop, restart, destroy, create, pause, unpause, ... */
  action: string;
}

/** Actions that can change a route. Exec events (every `dual exec`) and the like are not asked for. */
export const ROUTE_ACTIONS = ['create', 'start', 'restart', 'die', 'stop', 'destroy', 'pause', 'unpause', 'rename', 'update'] as const;

export interface EventSubscription {
  /** Ends the stream; `onEnd` is not called for a close the proxy asked for. */
  close(): void;
}

export interface DockerDiscovery {
  readonly display: string;
  /** Containers labelled dual.workspace (stopped ones too), fully inspected. */
  listLabelled(): Promise<InspectAnswer[]>;
  /** Undefined when the container no longer exists. */
  inspect(containerId: string): Promise<InspectAnswer | undefined>;
  /** Container events for labelled containers. Resolves once the stream is open. */
  subscribe(onEvent: (event: ContainerEvent) => void, onEnd: (error?: Error) => void): Promise<EventSubscription>;
  /** Docker Desktop's VM hides container IPs from the host (docker/for-mac#155). */
  isDockerDesktop(): Promise<boolean>;
}
