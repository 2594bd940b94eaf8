import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One npm download cache shared by every workspace of a DUAL_HOME, so a new branch's
 * `npm ci` fetches only what no branch fetched before (Next.js: 10-14 s cold in a container,
 * a few seconds warm). Sharing is safe: npm's cache (cacache) is content-addressed, checks
 * every tarball against its integrity hash, and writes by atomic rename, so concurrent
 * installs in several containers do not corrupt it. It is dual's own directory, not the
 * host user's ~/.npm: nothing a branch writes there is read by npm on the host.
 */
export const CONTAINER_NPM_CACHE = '/var/cache/dual/npm';

/** `npmCache` setting: true = `$DUAL_HOME/cache/npm`, a path = that directory, false = none. */
export type NpmCacheSetting = boolean | string;

/** The host directory to mount, created as the host user (Docker would make it root's); undefined when off. */
export function npmCacheDir(setting: NpmCacheSetting, home: string): string | undefined {
  if (setting === false) return undefined;
  const dir = setting === true ? join(home, 'cache', 'npm') : setting;
  mkdirSync(dir, { recursive: true });
  return dir;
}
