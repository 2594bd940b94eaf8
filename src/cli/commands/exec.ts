import { fstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isatty } from 'node:tty';
import { dualHome } from '../../adapters/config/home.js';
import { connectDocker } from '../../adapters/docker-connect.js';
import type { DockerEngine } from '../../adapters/docker/engine.js';
import { DualError } from '../../model/errors.js';
import { attachedExecTarget, workspaceExecTarget, type ExecTarget } from '../../../workspaces/exec/exec-target.js';
import { runExec } from '../../../workspaces/exec/exec-session.js';
import { ATTACHED_EXEC_USAGE, EXEC_USAGE, parseExecArgs, type ExecArgs } from './exec-args.js';
import { EXEC_OWN_ERROR, reportExecFailure } from './exec-failure.js';
import { recordExecActivity, wakeIfSleeping } from './exec-wake.js';

/** `dual exec [workspace] [options] -- <command>`: dispatched before commander (exec-main.ts). A sleeping workspace is woken first. */
export function execCommand(argv: string[]): Promise<number> {
  return runExecCommand(argv, EXEC_USAGE, (docker, args, stateDir) =>
    workspaceExecTarget(docker, args.workspace, process.cwd(), dualHome(), args.workdir, (workspace) => wakeIfSleeping(stateDir, workspace)),
  );
}

/** `dual attached exec <workspace> <name> [options] -- <command>`: exec's grammar after the workspace (cli.ts). */
export async function attachedExecCommand(argv: string[]): Promise<number> {
  const [workspace, ...rest] = argv;
  if (workspace === undefined || workspace === '-h' || workspace === '--help') {
    process.stdout.write(ATTACHED_EXEC_USAGE);
    return workspace === undefined ? EXEC_OWN_ERROR : 0;
  }
  return runExecCommand(rest, ATTACHED_EXEC_USAGE, (docker, args) => {
    if (!args.workspace) throw new DualError(`name the attached container: dual attached exec ${workspace} <name> -- <command>`);
    return attachedExecTarget(docker, workspace, args.workspace, dualHome(), args.workdir);
  });
}

type TargetResolver = (docker: DockerEngine, args: ExecArgs, stateDir: string) => Promise<ExecTarget>;

/**
 * The one exec session for both commands: parse, resolve the target, run it with the
 * caller's stdio (this is the hot path), counting as activity of its
 * workspace for idle sleep. Exits with the command's code, or 125 for dual's own failures
 * (exec-failure.ts).
 */
async function runExecCommand(argv: string[], usage: string, target: TargetResolver): Promise<number> {
  const docker = connectDocker();
  try {
    const args = parseExecArgs(argv);
    if (args.help) {
      process.stdout.write(usage);
      return 0;
    }
    const stateDir = join(dualHome(), 'state');
    const { workspaceId, containerId, workingDir } = await target(docker, args, stateDir);
    const activityDone = recordExecActivity(stateDir, workspaceId);
    return await runExec(
      docker,
      { containerId, cmd: args.command, env: args.env, workingDir, user: args.user, tty: isatty(0) && isatty(1) },
      { stdin: callerStdin(), stdout: process.stdout, stderr: process.stderr },
    ).finally(activityDone);
  } catch (error) {
    return reportExecFailure(error);
  } finally {
    docker.close();
  }
}

/**
 * The caller's stdin, or none when it is /dev/null (how agents and scripts often run exec):
 * then there is nothing to forward and the command's stdin closes at once, as it would after
 * reading /dev/null, without process.stdin's file stream (node:fs streams and libuv's thread
 * pool started for one empty read: several ms of every exec; SPEC.md, Decisions).
 */
function callerStdin(): NodeJS.ReadStream | undefined {
  try {
    const input = fstatSync(0);
    if (input.isCharacterDevice() && input.rdev === statSync('/dev/null').rdev) return undefined;
  } catch {
    // fd 0 closed or /dev/null missing: process.stdin decides as before
  }
  return process.stdin;
}
