import { DualError } from '../../model/errors.js';
import { EXEC_OWN_ERROR } from './exec-failure.js';

export interface ExecArgs {
  workspace?: string;
  command: string[];
  env: string[];
  workdir?: string;
  user?: string;
  help: boolean;
}

export const EXEC_USAGE = `Usage: dual exec [workspace] [-e KEY=VAL]... [-w DIR] [-u USER] -- <command> [args...]

Runs a command in a workspace's container and exits with its exit code.
Without a workspace, the one whose worktree holds the current directory is used.
  -e, --env KEY[=VAL]   set an environment variable (KEY alone copies it from here)
  -w, --workdir DIR     working directory (relative to the default one; default: the
                        same place in the worktree as here, else the worktree root)
  -u, --user USER       user inside the container (default: the workspace's user)
`;

export const ATTACHED_EXEC_USAGE = `Usage: dual attached exec <workspace> <name> [-e KEY=VAL]... [-w DIR] [-u USER] -- <command> [args...]

Runs a command in an attached container and exits with its exit code (127 not found,
126 not executable, 128+n when killed by signal n). stdin is passed through; a TTY is
allocated only when stdin and stdout are both terminals; Ctrl-C reaches the command.
`;

/**
 * A small hand parser instead of commander: exec is the hot path, and its grammar is
 * fixed: options and an optional workspace, then `--`, then the command verbatim.
 */
export function parseExecArgs(argv: string[], hostEnv: NodeJS.ProcessEnv = process.env): ExecArgs {
  const result: ExecArgs = { command: [], env: [], help: false };
  const separator = argv.indexOf('--');
  const head = separator === -1 ? argv : argv.slice(0, separator);
  for (let i = 0; i < head.length; i++) {
    const arg = head[i]!;
    const value = () => {
      const next = head[++i];
      if (next === undefined) throw new DualError(`${arg} needs a value; see \`dual exec --help\``, EXEC_OWN_ERROR);
      return next;
    };
    if (arg === '-h' || arg === '--help') result.help = true;
    else if (arg === '--verbose') continue;
    else if (arg === '-e' || arg === '--env') result.env.push(envEntry(value(), hostEnv));
    else if (arg.startsWith('--env=')) result.env.push(envEntry(arg.slice(6), hostEnv));
    else if (arg === '-w' || arg === '--workdir') result.workdir = value();
    else if (arg.startsWith('--workdir=')) result.workdir = arg.slice(10);
    else if (arg === '-u' || arg === '--user') result.user = value();
    else if (arg.startsWith('-')) throw new DualError(`unknown option ${arg} for dual exec; see \`dual exec --help\``, EXEC_OWN_ERROR);
    else if (result.workspace === undefined) result.workspace = arg;
    else throw new DualError(`put the command after --: dual exec ${result.workspace} -- ${head.slice(i).join(' ')}`, EXEC_OWN_ERROR);
  }
  if (result.help) return result;
  if (separator === -1) {
    throw new DualError('put the command after --, e.g. `dual exec my-ws -- npm test`', EXEC_OWN_ERROR);
  }
  result.command = argv.slice(separator + 1);
  if (result.command.length === 0) throw new DualError('no command given after --', EXEC_OWN_ERROR);
  return result;
}

/** `-e KEY=VAL` as given, or `-e KEY` with KEY's value copied from here (as `docker run` does). */
export function envEntry(entry: string, hostEnv: NodeJS.ProcessEnv = process.env, exitCode = EXEC_OWN_ERROR): string {
  const eq = entry.indexOf('=');
  if (eq === 0) throw new DualError(`-e ${entry}: expected KEY=VALUE`, exitCode);
  if (eq > 0) return entry;
  const inherited = hostEnv[entry];
  return inherited === undefined ? entry : `${entry}=${inherited}`;
}
