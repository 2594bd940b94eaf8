import type { Duplex } from 'node:stream';

/** How long an answer that ends a connection may take to drain to a client that does not read. */
const CLOSE_GRACE_MS = 2_000;

/**
 * Writes a last answer and closes the connection for good. `end()` alone only half-closes
 * (the server's sockets allow half-open), so a client that never closes its side (slowloris,
 * a stuck client after a 408) would hold the socket: it is destroyed once the answer is
 * flushed, or after CLOSE_GRACE_MS if the client does not read it.
 */
export function endAndClose(socket: Duplex, answer: string): void {
  socket.once('finish', () => socket.destroy());
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  socket.end(answer);
}
