import { systemClock, type Clock } from './clock.js';
import { dualHome, homePaths, type HomePaths } from './config/home.js';
import { connectDocker } from './docker-connect.js';
import type { DockerEngine } from './docker/engine.js';
import type { Git } from './git/git.js';

/**
 * The one place the real Docker engine, git and the clock are wired to the workspace
 * manager. Heavy libraries load only when used: simple-git here, on first command.
 */
export interface Context {
  docker: DockerEngine;
  git: Git;
  clock: Clock;
  paths: HomePaths;
  /** Progress and logs for the user (stderr). */
  log: (message: string) => void;
}

export async function realContext(): Promise<Context> {
  const { SimpleGitAdapter } = await import('./git/simple-git-adapter.js');
  return {
    docker: connectDocker(),
    git: new SimpleGitAdapter(),
    clock: systemClock,
    paths: homePaths(dualHome()),
    log: (message) => process.stderr.write(`${message}\n`),
  };
}
