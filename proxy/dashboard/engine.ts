/**
 * The Docker calls the dashboard makes besides route discovery: resource use and log
 * streams. Behind an interface so the model is tested without an engine; the real one is
 * the proxy's DockerEngine (src/adapters/docker/api-engine.ts), which has both.
 */
export interface DashboardEngine {
  stats(containerId: string): Promise<{ cpuPercent: number; memoryBytes: number }>;
  logs(
    containerId: string,
    options: { follow: boolean; tail?: number; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; signal?: AbortSignal },
  ): Promise<void>;
}
