import type { ContainerInspect } from '../src/adapters/docker/api-types.js';
import type { EngineEvent, EventSubscription } from '../src/adapters/docker/engine.js';

/**
 * The slice of Docker the proxy's route sync needs, behind an interface so the sync logic is
 * tested without an engine. One implementation (engine-discovery.ts) over the DockerEngine.
 */
export type ContainerEvent = EngineEvent;
export type { EventSubscription };

/** Actions that can change a route. Exec events (every `dual exec`) and the like are not asked for. */
export const ROUTE_ACTIONS = ['create', 'start', 'restart', 'die', 'stop', 'destroy', 'pause', 'unpause', 'rename', 'update'] as const;

export interface DockerDiscovery {
  readonly display: string;
  /** Containers labelled dual.workspace (stopped ones too), fully inspected. */
  listLabelled(): Promise<ContainerInspect[]>;
  /** Undefined when the container no longer exists. */
  inspect(containerId: string): Promise<ContainerInspect | undefined>;
  /** Container events for labelled containers. Resolves once the stream is open. */
  subscribe(onEvent: (event: ContainerEvent) => void, onEnd: (error?: Error) => void): Promise<EventSubscription>;
  /** Docker Desktop's VM hides container IPs from the host (docker/for-mac#155). */
  isDockerDesktop(): Promise<boolean>;
}
