import type { IncomingHttpHeaders } from 'node:http';

/**
 * May this request start a sleeping workspace? The Host check (DNS rebinding) has already
 * passed, and the proxy only knows its own DUAL_HOME's workspaces, so the question left is
 * a web page of another site making the browser wake workspaces behind the user's back
 * (`<img src="http://shop-x.localhost:3000/">`, a no-cors fetch) to load the machine.
 * Browsers say where a request comes from in `Sec-Fetch-Site`: a cross-site request wakes
 * nothing unless it is a top-level navigation (the user followed a link, a thing they can
 * see and would expect to work). Clients that send no Sec-Fetch headers (curl, scripts,
 * older browsers) are local programs and may wake.
 */
export function mayWake(headers: IncomingHttpHeaders): boolean {
  if (headers['sec-fetch-site'] !== 'cross-site') return true;
  return headers['sec-fetch-mode'] === 'navigate';
}

/** A browser asking for a page gets the "waking" page at once; anything else is held until the port answers. */
export function wantsWakingPage(headers: IncomingHttpHeaders, method: string | undefined): boolean {
  return method === 'GET' && (headers.accept ?? '').includes('text/html');
}
