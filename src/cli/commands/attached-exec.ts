import { LeanDockerClient } from '../../adapters/docker/lean-client.js';
import { DualError } from '../../model/errors.js';
import { homeFilters, LABEL } from '../../model/labels.js';
import { dualHome } from '../../adapters/config/home.js';
import { parseExecArgs } from './exec-args.js';
import { recordExecActivity } from './exec-wake.js';
import { join } from 'node:path';
import { EXEC_OWN_ERROR, reportExecFailure } from './exec-failure.js';
import { runExec } from '../../../workspaces/exec/exec-session.js';


export const ATTACHED_EXEC_USAGE = `Usage: dual attached exec <workspace> <name> [-e KEY=VAL]... [-w DIR] [-u USER] -- <command> [args...]

Runs a command in an attached container and exits with its exit code (127 not found,
126 not executable, 128+n when killed by signal n). stdin is passed through; a TTY is
allocated only when stdin and stdout are both terminals; Ctrl-C reaches the command.
`;

/**
 * `dual attached exec`: the same session as `dual exec` (runExec), on the lean client, so
 * it costs the same. The container is found by its labels, never by a name prefix.
 */
export async function attachedExec(argv: string[]): Promise<number> {
  const client = new LeanDockerClient();
  try {
    const [workspace, ...rest] = argv;
    if (workspace === undefined || workspace === '-h' || workspace === '--help') {
      process.stdout.write(ATTACHED_EXEC_USAGE);
      return workspace === undefined ? EXEC_OWN_ERROR : 0;
    }
    const args = parseExecArgs(rest);
    if (args.help) {
      process.stdout.write(ATTACHED_EXEC_USAGE);
      return 0;
    }
    const name = args.workspace;
    if (!name) throw new DualError(`name the attached container: dual attached exec ${workspace} <name> -- <command>`, EXEC_OWN_ERROR);
    const filters = encodeURIComponent(JSON.stringify({ label: homeFilters(dualHome(), `${LABEL.workspace}=${workspace}`, `${LABEL.attached}=${name}`) }));
    const [match] = await client.request<Array<{ Id: string; State: string }>>('GET', `/containers/json?all=1&filters=${filters}`);
    if (!match) throw new DualError(`workspace '${workspace}' has no attached container '${name}'; see \`dual attached ${workspace}\``, EXEC_OWN_ERROR);
    if (match.State !== 'running') {
      throw new DualError(`attached container '${name}' of ${workspace} is ${match.State}; start it with \`dual attached start ${workspace} ${name}\``, EXEC_OWN_ERROR);
    }
    // Attached activity keeps the workspace awake too (see the proxy's idle sweep).
    const activityDone = recordExecActivity(join(dualHome(), 'state'), workspace);
    return await runExec(
      client,
      {
        containerId: match.Id,
        cmd: args.command,
        env: args.env,
        // Empty = the container's own working directory (the worktree when it is mounted).
        workingDir: args.workdir ?? '',
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
