/**
 * Headers on everything the dashboard serves. No `Access-Control-Allow-*` anywhere: another
 * origin can send a request but never read an answer, and cannot send the token header at all.
 */
export const API_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // Another origin cannot even embed the answer (<script src>, <img>): nothing leaks by side channel.
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
} as const;

/**
 * The page: scripts and styles only with the hash of dual's own inline ones, connections
 * only to itself, no framing (destroy must not be clickjacked), no forms posting elsewhere.
 */
export function pageHeaders(scriptHash: string, styleHash: string): Record<string, string> {
  return {
    ...API_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      `script-src '${scriptHash}'`,
      `style-src '${styleHash}'`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}
