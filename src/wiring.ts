import { systemClock, type Clock } from './clock.js';
import { dualHome, homePaths, type HomePaths } from './config/home.js';
import type { DockerEngine } from './docker/engine.js';
import { LeanDockerClient } from './docker/lean-client.js';
import type { Git } from './git/git.js';

/**
 * The one place the real Docker engine, git and clock are wired to the core. Heavy
 * adapters (dockerode ~160 ms to load) are imported here lazily, only by commands that use them.
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
  const [{ DockerodeEngine }, { SimpleGitAdapter }] = await Promise.all([
    import('./docker/dockerode-engine.js'),
    import('./git/simple-git-adapter.js'),
  ]);
  return {
    docker: new DockerodeEngine(),
    engine: new LeanDockerClient(),
    git: new SimpleGitAdapter(),
    clock: systemClock,
    paths: homePaths(dualHome()),
    log: (message) => process.stderr.write(`${message}\n`),
  };
}
