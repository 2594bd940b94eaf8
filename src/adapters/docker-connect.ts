import { ApiEngine } from './docker/api-engine.js';
import { ApiTransport } from './docker/api-transport.js';
import { engineAddress } from './docker/connection.js';
import type { DockerEngine } from './docker/engine.js';

/**
 * The one place a DockerEngine is made: for the workspace manager (context.ts), the proxy,
 * and `dual exec`'s own bundle, which must not load context.ts's other adapters. All of
 * them reach the engine the same way (connection.ts).
 */
export function connectDocker(): DockerEngine {
  return new ApiEngine(new ApiTransport(engineAddress()));
}
