import { tokenMatches } from './token.js';

/**
 * Who may use the dashboard's API. Pure: the request's headers in, a verdict out.
 *
 * A web page in the user's browser (any site, or a hostile branch's dev server at
 * `<id>.localhost`) can send requests to `localhost:<port>`: forms and `fetch(..., {mode:
 * 'no-cors'})` need no permission. So every API request must show it comes from a page dual
 * served itself:
 * - the token, in the `X-Dual-Token` header: a custom header cannot be sent cross-origin
 *   without a CORS preflight, which dual never grants, and only dual's own pages contain it;
 * - for state changes, an `Origin` equal to the dashboard's own origin (scheme, host, port of
 *   this very request), so even a leaked token is useless from another page;
 * - `Sec-Fetch-Site`, when the browser sends it, must be `same-origin`.
 * The Host itself was already checked (loopback names only) before the dashboard is reached.
 */
export const TOKEN_HEADER = 'x-dual-token';

export interface GuardInput {
  method: string;
  /** The Host header, already accepted as a dashboard host. */
  host: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
  token: string | undefined;
  /** The connection is TLS: the page's origin is https. */
  encrypted: boolean;
}

export type GuardVerdict = { ok: true } | { ok: false; reason: string };

const SAFE_METHODS = new Set(['GET', 'HEAD']);

function ownOrigin(host: string, encrypted: boolean): string {
  return `${encrypted ? 'https' : 'http'}://${host.trim().toLowerCase()}`;
}

export function checkApiRequest(input: GuardInput, expectedToken: string): GuardVerdict {
  if (input.secFetchSite !== undefined && input.secFetchSite !== 'same-origin') {
    return { ok: false, reason: `cross-site request (Sec-Fetch-Site: ${input.secFetchSite})` };
  }
  if (!tokenMatches(expectedToken, input.token)) return { ok: false, reason: 'missing or wrong dashboard token' };
  if (SAFE_METHODS.has(input.method)) return { ok: true };
  if (input.origin === undefined) return { ok: false, reason: 'state-changing request without an Origin' };
  if (input.origin.toLowerCase() !== ownOrigin(input.host, input.encrypted)) {
    return { ok: false, reason: `Origin ${input.origin.slice(0, 100)} is not the dashboard's own` };
  }
  return { ok: true };
}
