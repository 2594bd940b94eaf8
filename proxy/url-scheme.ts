import { urlScheme } from '../src/adapters/tls/trust-record.js';

/**
 * The scheme of the workspace links the proxy shows (its pages, the dashboard): `https` once
 * `dual trust` has installed the CA, as `dual urls` prints them. `dual trust` runs in another
 * process, so its record is read again, at most once a second (a file read per page would be
 * wasted work on a hot error path).
 */
export function trackedUrlScheme(home: string, now: () => number = Date.now): () => 'http' | 'https' {
  let readAt = -Infinity;
  let scheme: 'http' | 'https' = 'http';
  return () => {
    if (now() - readAt >= 1000) {
      readAt = now();
      try {
        scheme = urlScheme(home);
      } catch {
        // An unreadable record is no trust: plain http links, which always work.
        scheme = 'http';
      }
    }
    return scheme;
  };
}
