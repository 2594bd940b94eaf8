/**
 * Entry point of every command but `dual exec` (bin/dual.js sends that one to its own
 * bundle, exec-main.ts). `dual attached exec` is dispatched before commander too: its
 * grammar needs the `--` before the command verbatim, and commander drops it.
 */
import { exitWith, reportError } from './report.js';

const args = process.argv.slice(2);

async function main(): Promise<number> {
  const attachedExec = attachedExecArgs(args);
  if (attachedExec) {
    const { attachedExecCommand } = await import('./commands/exec.js');
    return attachedExecCommand(attachedExec);
  }
  const { runProgram } = await import('./program.js');
  return runProgram(process.argv);
}

/** The arguments after `[--verbose] attached [--verbose] exec`, or undefined for any other command. */
function attachedExecArgs(argv: string[]): string[] | undefined {
  const words = argv.slice(0, argv.indexOf('exec') + 1).filter((a) => a !== '--verbose');
  return words.length === 2 && words[0] === 'attached' && words[1] === 'exec' ? argv.slice(argv.indexOf('exec') + 1) : undefined;
}

main().then(
  (code) => exitWith(code),
  (error: unknown) => exitWith(reportError(error)),
);
