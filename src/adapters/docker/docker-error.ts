import { DualError } from '../../model/errors.js';

/**
 * The one error a Docker call throws when the engine answers with a failure: the HTTP status
 * (404 no such object, 409 conflict, 304 already in that state, ...) and the engine's own
 * message, which says what went wrong in words a user can act on. Made in one place
 * (`dockerErrorFromAnswer`), read through `isDockerStatus`: no caller parses message text.
 */
export class DockerError extends DualError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DockerError';
  }
}

/** An Engine API answer that was not a success: its body is `{"message": ...}` or plain text. */
export function dockerErrorFromAnswer(status: number, body: string): DockerError {
  return new DockerError(status, engineMessage(body));
}

/** The pull stream reports a failure as a line `{"error": ..., "errorDetail": {"message": ...}}` after a 200. */
export function dockerErrorFromStream(event: { error?: string; errorDetail?: { message?: string; code?: number } }): DockerError {
  return new DockerError(event.errorDetail?.code ?? 500, firstLine(event.error ?? event.errorDetail?.message ?? 'no message'));
}

export function isDockerStatus(error: unknown, status: number): error is DockerError {
  return error instanceof DockerError && error.status === status;
}

function engineMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string' && parsed.message) return firstLine(parsed.message);
  } catch {
    // not JSON: the text itself
  }
  return firstLine(body) || 'no message';
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]!.trim();
}
