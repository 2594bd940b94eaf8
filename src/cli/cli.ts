/**
 * Entry point. `dual exec` is the hot path (agents run it thousands of times a day), so it is
 * dispatched before commander and everything else is loaded: only what exec needs is imported.
 */
import { exitWith, reportError } from './report.js';

const args = process.argv.slice(2);

async function main(): Promise<number> {
  if (args[0] === 'exec') {
    const { execCommand } = await import('./commands/exec.js');
    return execCommand(args.slice(1));
  }
  const { runProgram } = await import('./program.js');
  return runProgram(process.argv);
}

main().then(
  (code) => exitWith(code),
  (error: unknown) => exitWith(reportError(error)),
);
