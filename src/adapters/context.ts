import { systemClock, type Clock } from './clock.js';
import { dualHome, homePaths, type HomePaths } from './config/home.js';
import type { DockerEngine } from './docker/engine.js';
import { LeanDockerClient } from './docker/lean-client.js';
import { LeanEngine } from './docker/lean-engine.js';
import type { Git } from './git/git.js';

/**
 * The one place the real Docker engine, git and the clock are wired to the core. Heavy
 * libraries load only when used: simple-git here, dockerode only for streaming calls
 * (see lean-engine.ts).
 */
export interface Context {
  docker: DockerEngine;
  /** For execs (setup, signals): the same engine through the lean client. */
  engine: LeanDockerClient;
  git: Git;
  clock: Clock;
  paths: HomePaths;
  /** Progress and logs for the user (stderr). */
  log: (message: string) => void;
}

export async function realContext(): Promise<Context> {
  const { SimpleGitAdapter } = await import('./git/simple-git-adapter.js');
  const engine = new LeanDockerClient();
  return {
    docker: new LeanEngine(engine),
    engine,
    git: new SimpleGitAdapter(),
    clock: systemClock,
    paths: homePaths(dualHome()),
    log: (message) => process.stderr.write(`${message}\n`),
  };
}
