import { dualHome, homePaths, type HomePaths } from './config/home.js';
import type { DockerEngine } from './docker/engine.js';
import { LeanDockerClient } from './docker/lean-client.js';
import { LeanEngine } from './docker/lean-engine.js';
import type { Git } from './git/git.js';

/**
 * The one place the real Docker engine and git are wired to the core. Heavy
 * libraries load only when used: simple-git here, dockerode only for streaming calls
 * (see lean-engine.ts).
 */
export interface Context {
  docker: DockerEngine;
  /** For execs (setup, signals): the same engine through the lean client. */
  engine: LeanDockerClient;
  git: Git;
  paths: HomePaths;
  /** Progress and logs for the user, one line each (stderr). */
  log: (message: string) => void;
  /** Where container output streamed for the user goes (setup, a log tail, pull progress): stderr, stdout is for results. */
  output: NodeJS.WriteStream;
}

export async function realContext(): Promise<Context> {
  const { SimpleGitAdapter } = await import('./git/simple-git-adapter.js');
  const engine = new LeanDockerClient();
  return {
    docker: new LeanEngine(engine),
    engine,
    git: new SimpleGitAdapter(),
    paths: homePaths(dualHome()),
    log: (message) => process.stderr.write(`${message}\n`),
    output: process.stderr,
  };
}
