import { dualHome, homeWriteError } from '../adapters/config/home.js';
import { isDualError } from '../model/errors.js';

/** Set by --verbose anywhere on the command line (read once, before parsing). */
const verbose = process.argv.includes('--verbose');

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The one place errors become output: a single line (no stack unless --verbose) and an
 * exit code. DualErrors carry their own code; anything else is a bug or an engine error.
 */
export function reportError(raw: unknown, fallbackCode = 1): number {
  const error = homeWriteError(raw, dualHome()) ?? raw;
  if (isDualError(error)) {
    process.stderr.write(`dual: ${error.message}\n`);
    if (verbose && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`dual: ${message.split('\n')[0]}${verbose ? '' : ' (run with --verbose for details)'}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return fallbackCode;
}

/** Exit once stdout and stderr have flushed (a pipe may still hold data). */
export function exitWith(code: number): void {
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
