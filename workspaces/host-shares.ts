import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HomePaths } from '../src/adapters/config/home.js';
import { loadSettings } from '../src/adapters/config/settings.js';
import type { ContainerSpec } from '../src/adapters/docker/engine.js';
import { CONTAINER_NPM_CACHE, npmCacheDir } from './npm-cache.js';
import { dualCaCertPath } from '../src/adapters/tls/paths.js';
import { CONTAINER_BUNDLE, CONTAINER_TRUST_DIR, TRUST_ENV_NAMES, writeTrustBundle } from './host-trust.js';

/**
 * What the host lends a container: its CA trust (read-only) and dual's shared npm cache.
 * Both on by default; `trustHostCA` / `npmCache` set to false in config.json (all repos) or
 * in a repo's .dual.json (that repo) turn them off. A branch can only turn them off for
 * itself: .dual.json never chooses a host path.
 */
export interface HostShares {
  binds: ContainerSpec['binds'];
  /** Set before the user's own env, which wins. */
  env: Record<string, string>;
}

export const NO_SHARES: HostShares = { binds: [], env: {} };

/**
 * dual's own CA certificates to add to the bundle: the local HTTPS CA's public certificate
 * (`$DUAL_HOME/tls/ca/ca.crt`), once `dual` has made one, so a container can call another
 * workspace's https URL. Only the certificate: its key stays in the host's directory.
 */
function dualCaFiles(paths: HomePaths): string[] {
  const file = dualCaCertPath(paths.home);
  return existsSync(file) ? [file] : [];
}

export function hostShares(
  paths: HomePaths,
  wanted: { trustHostCA: boolean; npmCache: boolean },
  log: (line: string) => void,
): HostShares {
  const settings = loadSettings(paths.config);
  const shares: HostShares = { binds: [], env: {} };
  if (wanted.trustHostCA && settings.trustHostCA) {
    const bundle = writeTrustBundle(join(paths.home, 'trust'), dualCaFiles(paths));
    for (const source of bundle?.unreadable ?? []) log(`dual: warning: cannot read ${source}; containers will not trust its certificates`);
    if (bundle) {
      shares.binds.push({ source: bundle.hostDir, target: CONTAINER_TRUST_DIR, readOnly: true });
      for (const name of TRUST_ENV_NAMES) shares.env[name] = CONTAINER_BUNDLE;
    }
  }
  const cache = wanted.npmCache ? npmCacheDir(settings.npmCache, paths.home) : undefined;
  if (cache) {
    shares.binds.push({ source: cache, target: CONTAINER_NPM_CACHE });
    shares.env.npm_config_cache = CONTAINER_NPM_CACHE;
  }
  return shares;
}
