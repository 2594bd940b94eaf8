import { reportError } from '../report.js';

/**
 * Exit code of `dual exec` and `dual attached exec` for their own failures (unknown or stopped
 * workspace, no engine, bad arguments), as `docker run` uses 125: never a code the command
 * itself could have returned, so scripts can tell the two apart.
 */
export const EXEC_OWN_ERROR = 125;

/** Prints the one-line error and gives the exit code, whatever code the error carried. */
export function reportExecFailure(error: unknown): number {
  reportError(error, EXEC_OWN_ERROR);
  return EXEC_OWN_ERROR;
}
