import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { clientResponseHeaders, rewriteLocations, trailerPairs, headersForUpstream } from './forward-headers.js';
import type { Upstream } from './route-table.js';

/** How a forwarded exchange ended, for the one error handler (request-handler.ts). */
export type ForwardFailure =
  /** Nothing answered before the response began: the caller writes an error page. */
  | { kind: 'upstream-before-response'; error: Error }
  /** The upstream failed mid-response: the client connection has been cut so it sees a truncated body. */
  | { kind: 'upstream-mid-response'; error: Error }
  /** The client went away (reset, closed the tab): the upstream request has been aborted. */
  | { kind: 'client-gone' };

export interface ForwardOptions {
  upstream: Upstream;
  port: number;
  rewriteHost: boolean;
  /** `proxy.domains` (normalised): Origins on them are rewritten with the Host. */
  domains: readonly string[];
  onFailure: (failure: ForwardFailure) => void;
}

class ClientGoneError extends Error {
  constructor() {
    super('client went away');
    this.name = 'ClientGoneError';
  }
}

/**
 * Streams one request to the upstream and the answer back, with no buffering either way:
 * undici's raw dispatcher handler hands over each chunk as it arrives, and backpressure
 * flows both ways (a slow client pauses the upstream read; a slow upstream pauses the
 * request body). The handler API is the low-level one because it is the fastest path in
 * undici and gives raw headers and trailers.
 */
export function forwardHttp(pool: Dispatcher, req: IncomingMessage, res: ServerResponse, options: ForwardOptions): void {
  const hasBody = requestHasBody(req);
  const proto = isTls(req) ? 'https' : 'http';
  const headers = headersForUpstream(req.rawHeaders, req, options, { proto });
  pool.dispatch(
    {
      origin: options.upstream.origin,
      path: req.url ?? '/',
      method: req.method as Dispatcher.HttpMethod,
      headers,
      body: hasBody ? req : req.headers['content-length'] === '0' ? '' : null,
      // A client that sends the same request again after a failure decides that itself.
      idempotent: false,
    } as Dispatcher.DispatchOptions,
    new ResponseWriter(req, res, options.onFailure, options.rewriteHost ? options.port : 0, proto),
  );
}

/** The client came over TLS (HTTP/1.1 or h2; h2 requests see their session's TLS socket). */
function isTls(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean } | null)?.encrypted === true;
}

/**
 * HTTP/1.1 announces a body by Content-Length or Transfer-Encoding. HTTP/2 has no
 * Transfer-Encoding: a request without END_STREAM on its headers has a body, sized or not.
 */
function requestHasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (req.httpVersionMajor === 2) return length !== '0' && !(req as unknown as { stream: { endAfterHeaders: boolean } }).stream.endAfterHeaders;
  return length !== undefined ? length !== '0' : req.headers['transfer-encoding'] !== undefined;
}

class ResponseWriter implements Dispatcher.DispatchHandler {
  private abortUpstream: ((reason: Error) => void) | undefined;
  private resumeUpstream: (() => void) | undefined;
  private clientGone = false;
  private done = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly onFailure: (failure: ForwardFailure) => void,
    /** Non-zero when the workspace has host rewriting: redirects to localhost:<port> are pointed back. */
    private readonly rewritePort: number,
    private readonly scheme: 'http' | 'https',
  ) {
    res.once('close', this.onClientClose);
  }

  private readonly onClientClose = () => {
    if (this.done || this.res.writableFinished) return;
    this.clientGone = true;
    this.abortUpstream?.(new ClientGoneError());
  };

  onConnect(abort: (reason?: Error) => void): void {
    this.abortUpstream = abort as (reason: Error) => void;
    if (this.clientGone) abort(new ClientGoneError());
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    // 1xx informational answers (103 Early Hints) are not relayed; the final answer follows.
    if (statusCode < 200) return true;
    this.resumeUpstream = resume;
    const res = this.res;
    try {
      const headers = clientResponseHeaders(rawHeaders);
      if (this.rewritePort) rewriteLocations(headers, this.rewritePort, this.req.headers.host ?? '', this.scheme);
      // HTTP/2 has no reason phrase (Node warns when given one).
      if (this.req.httpVersionMajor === 2) res.writeHead(statusCode, headers);
      else res.writeHead(statusCode, statusText, headers);
    } catch (error) {
      // A header Node will not send (invalid characters): undici then reports it via onError, as a 502.
      this.abortUpstream?.(error as Error);
      return false;
    }
    // Node sends headers with the first body chunk. A streamed answer (SSE waiting for its
    // first event, a long poll) may not have one yet: send them on the next turn if still
    // unsent, so the client sees the answer start. Sized answers follow at once anyway.
    if (!hasContentLength(rawHeaders)) setImmediate(flushIfIdle, res);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.res.write(chunk)) return true;
    // Backpressure: undici stops reading the upstream until the client has caught up.
    if (this.resumeUpstream) this.res.once('drain', this.resumeUpstream);
    return false;
  }

  onComplete(rawTrailers: Array<Buffer | string> | null): void {
    // The 'close' listener stays: with `done` set it does nothing, and removing it costs more.
    this.done = true;
    const trailers = trailerPairs(rawTrailers);
    if (trailers.length > 0) this.res.addTrailers(trailers);
    this.res.end();
  }

  onError(error: Error): void {
    this.done = true;
    if (this.clientGone || error instanceof ClientGoneError || this.req.destroyed) {
      this.onFailure({ kind: 'client-gone' });
      this.res.destroy();
      return;
    }
    if (!this.res.headersSent && !this.res.writableEnded) {
      this.onFailure({ kind: 'upstream-before-response', error });
      return;
    }
    // Headers are out: the only honest signal left is cutting the connection.
    this.onFailure({ kind: 'upstream-mid-response', error });
    this.res.destroy();
  }
}

function flushIfIdle(res: ServerResponse): void {
  if (!res.headersSent && !res.destroyed) res.flushHeaders();
}

function hasContentLength(rawHeaders: Buffer[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 14 && name.toString('latin1').toLowerCase() === 'content-length') return true;
  }
  return false;
}
