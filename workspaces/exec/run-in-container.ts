import type { DockerEngine } from '../../src/adapters/docker/engine.js';
import { runExec } from './exec-session.js';

/** A non-interactive command in a container (setup, ownership fixes): no stdin, output to `output`. */
export function runInContainer(
  docker: DockerEngine,
  containerId: string,
  cmd: string[],
  options: { workingDir: string; user?: string; output: NodeJS.WritableStream },
): Promise<number> {
  return runExec(
    docker,
    { containerId, cmd, env: [], workingDir: options.workingDir, user: options.user, tty: false },
    { stdout: options.output, stderr: options.output },
  );
}
