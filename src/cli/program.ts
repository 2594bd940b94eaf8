import { Command, CommanderError } from 'commander';
import { reportError } from './report.js';
import { VERSION } from '../model/version.js';
import { registerWorkspaceCommands } from './commands/workspace-commands.js';
import { registerAttachedCommands } from './commands/attached-commands.js';
import { registerTrustCommand } from './commands/trust-command.js';

/** Every command but `exec` (see cli.ts). Command modules import their work lazily. */
export async function runProgram(argv: string[]): Promise<number> {
  const program = new Command('dual')
    .description('workspace router: one worktree + one container per branch, served at <repo>-<branch>.localhost')
    .version(VERSION)
    .option('--verbose', 'show stack traces and detailed logs')
    .showHelpAfterError('(run `dual --help` for usage)')
    .exitOverride();
  program
    .command('exec')
    .description('run a command in a workspace container: dual exec [ws] -- <cmd> (see dual exec --help)')
    .allowUnknownOption();
  registerWorkspaceCommands(program);
  registerAttachedCommands(program);
  registerTrustCommand(program);
  // proxy commands
  (await import('./commands/proxy-commands.js')).registerProxyCommands(program);
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return reportError(error);
  }
}
