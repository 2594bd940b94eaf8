/**
 * `dual exec`'s own entry point, bundled into one CommonJS file (dist/exec.cjs) so that the hot
 * path loads a single module without Node's ESM loader: about 8 ms less than going through the
 * split CLI bundle, and 20 ms less than as ESM, on every one of the thousands of execs an agent
 * runs a day. bin/dual.js require()s it for `dual exec`.
 */
import { execCommand } from './commands/exec.js';
import { reportExecFailure } from './commands/exec-failure.js';
import { exitWith } from './report.js';

execCommand(process.argv.slice(3)).then(
  (code) => exitWith(code),
  (error: unknown) => exitWith(reportExecFailure(error)),
);
