/**
 * An error the user can act on: its message is one line saying what went wrong and what
 * to do. The CLI prints only the message (no stack unless --verbose) and exits with `exitCode`.
 */
export class DualError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'DualError';
  }
}

export function isDualError(error: unknown): error is DualError {
  return error instanceof DualError;
}

/** Errors from the Docker socket that mean "no engine here", told apart from API errors. */
export function isEngineUnreachable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' || code === 'ECONNRESET';
}

export function engineUnreachableError(socket: string): DualError {
  return new DualError(
    `cannot reach the Docker engine at ${socket}: start Docker (or set DOCKER_HOST) and try again`,
  );
}
