import { join, relative, resolve, posix } from 'node:path';
import { existsSync, realpathSync } from 'node:fs';
import { dualHome } from '../../adapters/config/home.js';
import { LeanDockerClient } from '../../adapters/docker/lean-client.js';
import { DualError } from '../../model/errors.js';
import { resolveWorkspace } from '../../../workspaces/resolve.js';
import { runExec } from '../../../workspaces/exec/exec-session.js';
import { EXEC_USAGE, parseExecArgs } from './exec-args.js';
import { reportExecFailure } from './exec-failure.js';
import { recordExecActivity, wakeIfSleeping } from './exec-wake.js';


export async function execCommand(argv: string[]): Promise<number> {
  const client = new LeanDockerClient();
  try {
    const args = parseExecArgs(argv);
    if (args.help) {
      process.stdout.write(EXEC_USAGE);
      return 0;
    }
    const cwd = process.cwd();
    const home = dualHome();
    const stateDir = join(home, 'state');
    let workspace = await resolveWorkspace(client, args.workspace, cwd, home);
    if (!existsSync(workspace.worktree)) {
      throw new DualError(`workspace '${workspace.id}' has lost its worktree ${workspace.worktree}; remove it with \`dual destroy ${workspace.id}\``);
    }
    const activityDone = recordExecActivity(stateDir, workspace.id);
    if (await wakeIfSleeping(stateDir, workspace)) workspace = await resolveWorkspace(client, workspace.id, cwd, home);
    if (!workspace.running) {
      throw new DualError(`workspace '${workspace.id}' is stopped (${workspace.state}); start it with \`dual start ${workspace.id}\``);
    }
    return await runExec(
      client,
      {
        containerId: workspace.containerId!,
        cmd: args.command,
        env: args.env,
        workingDir: workingDirectory(workspace.worktree, cwd, args.workdir),
        user: args.user,
        tty: Boolean(process.stdin.isTTY && process.stdout.isTTY),
      },
      { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
    ).finally(activityDone);
  } catch (error) {
    return reportExecFailure(error);
  } finally {
    client.close();
  }
}

/**
 * The same relative directory as the caller when the caller is inside the worktree (the
 * worktree is mounted at its host path), else the worktree root; -w resolves against that.
 */
export function workingDirectory(worktree: string, cwd: string, workdir?: string): string {
  let base = worktree;
  try {
    const here = realpathSync(cwd);
    const rel = relative(worktree, here);
    if (rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel))) base = resolve(worktree, rel);
  } catch {
    // cwd vanished: use the root
  }
  if (!workdir) return base;
  return posix.isAbsolute(workdir) ? workdir : posix.join(base, workdir);
}
