import { dualHome, homePaths, type HomePaths } from './config/home.js';
import { connectDocker } from './docker-connect.js';
import type { DockerEngine } from './docker/engine.js';
import type { Git } from './git/git.js';

/**
 * The one place the real Docker engine and git are wired to the workspace manager.
 * Heavy libraries load only when used: simple-git here, on first command.
 */
export interface Context {
  docker: DockerEngine;
  git: Git;
  paths: HomePaths;
  /** Progress and logs for the user, one line each (stderr). */
  log: (message: string) => void;
  /** Where container output streamed for the user goes (setup, a log tail, pull progress): stderr, stdout is for results. */
  output: NodeJS.WriteStream;
}

export async function realContext(): Promise<Context> {
  const { SimpleGitAdapter } = await import('./git/simple-git-adapter.js');
  return {
    docker: connectDocker(),
    git: new SimpleGitAdapter(),
    paths: homePaths(dualHome()),
    log: (message) => process.stderr.write(`${message}\n`),
    output: process.stderr,
  };
}
