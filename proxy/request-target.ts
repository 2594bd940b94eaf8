import type { IncomingMessage } from 'node:http';

/**
 * Requests in absolute form (`GET http://shop-main.localhost:3000/x`, sent by clients that
 * use dual as an HTTP proxy) are rewritten to origin form, with the URL's authority as the
 * Host (RFC 9112 3.2.2), before routing: dev servers expect `/x`, and routing and the Host
 * check must see the host the request is really for.
 */
export function normalizeRequestTarget(req: IncomingMessage): void {
  const url = req.url ?? '/';
  if (!/^https?:\/\//i.test(url)) return;
  try {
    const parsed = new URL(url);
    req.url = `${parsed.pathname}${parsed.search}`;
    req.headers.host = parsed.host;
  } catch {
    req.url = '/';
  }
}

/** `OPTIONS *` asks about the server itself, not a resource: answered by the proxy. */
export function isServerWideOptions(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.url === '*';
}
