/**
 * The Docker calls the dashboard makes besides route discovery: resource use and log
 * streams. Behind an interface so the model is tested without an engine; the real one is
 * src/docker/dockerode-streams.ts (loaded when the first dashboard client connects).
 */
export interface DashboardEngine {
  stats(containerId: string): Promise<{ cpuPercent: number; memoryBytes: number }>;
  logs(
    containerId: string,
    options: { follow: boolean; tail?: number; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; signal?: AbortSignal },
  ): Promise<void>;
}

export async function realDashboardEngine(): Promise<DashboardEngine> {
  const { DockerodeStreams } = await import('../../src/adapters/docker/dockerode-streams.js');
  return new DockerodeStreams();
}
