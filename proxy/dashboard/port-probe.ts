import { connect } from 'node:net';

/**
 * Does anything accept connections on host:port? A TCP connect, not an HTTP request: a
 * request could make a dev server compile a page, and "something listens" is what the
 * dashboard shows (the 502 page says the same thing when it fails).
 */
export function portAnswers(host: string, port: number, timeoutMs = 1_500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answers: boolean) => {
      socket.destroy();
      resolve(answers);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
