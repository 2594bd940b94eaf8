/**
 * Where the Docker engine is: DOCKER_HOST (unix:// or tcp://) or the default socket.
 * Read by the one transport (api-transport.ts), so every Docker call goes to the same engine.
 */
export type EngineAddress =
  | { kind: 'unix'; socketPath: string; display: string }
  | { kind: 'tcp'; host: string; port: number; display: string };

export function engineAddress(env: NodeJS.ProcessEnv = process.env): EngineAddress {
  const raw = env.DOCKER_HOST;
  if (!raw || raw.startsWith('unix://')) {
    const socketPath = raw ? raw.slice('unix://'.length) : '/var/run/docker.sock';
    return { kind: 'unix', socketPath, display: socketPath };
  }
  const url = new URL(raw.replace(/^tcp:/, 'http:'));
  return { kind: 'tcp', host: url.hostname, port: Number(url.port || 2375), display: raw };
}
