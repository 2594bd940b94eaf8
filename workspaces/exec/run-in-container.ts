import { Readable } from 'node:stream';
import type { LeanDockerClient } from '../../src/adapters/docker/lean-client.js';
import { runExec } from './exec-session.js';

/** A non-interactive command in a container (setup, ownership fixes): no stdin, output to `output`. */
export function runInContainer(
  client: LeanDockerClient,
  containerId: string,
  cmd: string[],
  options: { workingDir: string; user?: string; output: NodeJS.WritableStream },
): Promise<number> {
  return runExec(
    client,
    { containerId, cmd, env: [], workingDir: options.workingDir, user: options.user, tty: false },
    { stdin: Readable.from([]), stdout: options.output, stderr: options.output },
  );
}
