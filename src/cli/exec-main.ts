/**
 * `dual exec`'s own entry point, bundled into one file (dist/exec.js) so that the hot path
 * loads a single module: about 8 ms less than going through the split CLI bundle, on every
 * one of the thousands of execs an agent runs a day. bin/dual.js picks it for `dual exec`.
 */
import { execCommand } from './commands/exec.js';
import { reportExecFailure } from './commands/exec-failure.js';
import { exitWith } from './report.js';

execCommand(process.argv.slice(3)).then(
  (code) => exitWith(code),
  (error: unknown) => exitWith(reportExecFailure(error)),
);
