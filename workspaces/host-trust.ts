import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../src/adapters/atomic-file.js';

/**
 * The host's TLS trust, lent to containers. Behind a TLS-intercepting proxy (common in
 * companies, and on the machines dual is tested on) the host trusts the proxy's CA through
 * its system bundle, NODE_EXTRA_CA_CERTS or npm's cafile; a container has none of that, so
 * `npm ci` fails with SELF_SIGNED_CERT_IN_CHAIN. dual gathers every certificate the host
 * trusts into one bundle in `$DUAL_HOME/trust/` and mounts that directory read-only at
 * /etc/dual-ca, pointing the usual variables at it.
 *
 * One combined file rather than each source mounted as is: `SSL_CERT_FILE` (OpenSSL, curl,
 * Python) and npm's `cafile` replace the default roots instead of adding to them, so the
 * file they name must hold the public roots and the extra CAs together. The directory (not
 * the file) is mounted so a rewritten bundle (atomic rename) reaches running containers.
 * It holds nothing but the bundle: private keys never go near it.
 */

/** Inside every container; a path of dual's own, so the image's bundle is left alone. */
export const CONTAINER_TRUST_DIR = '/etc/dual-ca';
const BUNDLE_NAME = 'ca-certificates.crt';
export const CONTAINER_BUNDLE = `${CONTAINER_TRUST_DIR}/${BUNDLE_NAME}`;

/** Every variable that names a CA file for a common tool, all pointed at the bundle. */
export const TRUST_ENV_NAMES = [
  'NODE_EXTRA_CA_CERTS', // node: added to its built-in roots
  'npm_config_cafile', // npm: replaces its roots
  'SSL_CERT_FILE', // OpenSSL default paths: curl, Python's ssl, Ruby, many others
  'CURL_CA_BUNDLE', // curl
  'GIT_SSL_CAINFO', // git over https
  'REQUESTS_CA_BUNDLE', // Python requests and pip
] as const;

/** System bundles by distribution; the first that exists is the host's. */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Alpine, Arch
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // RHEL 7+
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/ssl/cert.pem', // macOS, BSD
];

/** macOS keeps admin-installed CAs (a company's) in the System keychain, not in a file. */
const MAC_KEYCHAINS = ['/Library/Keychains/System.keychain', '/System/Library/Keychains/SystemRootCertificates.keychain'];

export interface TrustSource {
  /** Where it came from, for warnings and the bundle's header. */
  origin: string;
  file: string;
}

export interface TrustInputs {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  /** The directory of the running node (its prefix holds npm's global npmrc). */
  execPath: string;
  exists: (file: string) => boolean;
  readText: (file: string) => string | undefined;
}

/**
 * Where the host's trust lives, in the order it is bundled: the system bundle (or the file
 * the host's own SSL_CERT_FILE names), NODE_EXTRA_CA_CERTS, npm's cafile, then `extraFiles`
 * (dual's own local CA will be one).
 */
export function trustSources(inputs: TrustInputs, extraFiles: readonly string[] = []): TrustSource[] {
  const sources: TrustSource[] = [];
  const system = inputs.env.SSL_CERT_FILE || SYSTEM_BUNDLES.find((file) => inputs.exists(file));
  if (system) sources.push({ origin: inputs.env.SSL_CERT_FILE ? 'SSL_CERT_FILE' : 'system bundle', file: system });
  if (inputs.env.NODE_EXTRA_CA_CERTS) sources.push({ origin: 'NODE_EXTRA_CA_CERTS', file: inputs.env.NODE_EXTRA_CA_CERTS });
  const cafile = npmCafile(inputs);
  if (cafile) sources.push({ origin: 'npm cafile', file: cafile });
  for (const file of extraFiles) sources.push({ origin: 'dual', file });
  return sources;
}

/**
 * npm's `cafile` as npm itself resolves it, without running npm (300 ms per create): the
 * environment, then the user's npmrc, then the global one under node's prefix.
 */
export function npmCafile(inputs: Pick<TrustInputs, 'env' | 'home' | 'execPath' | 'readText'>): string | undefined {
  const env = inputs.env;
  const fromEnv = env.npm_config_cafile ?? env.NPM_CONFIG_CAFILE;
  if (fromEnv) return fromEnv;
  const userrc = env.npm_config_userconfig ?? env.NPM_CONFIG_USERCONFIG ?? join(inputs.home, '.npmrc');
  const prefix = env.npm_config_prefix ?? env.NPM_CONFIG_PREFIX ?? dirname(dirname(inputs.execPath));
  const globalrc = env.npm_config_globalconfig ?? env.NPM_CONFIG_GLOBALCONFIG ?? join(prefix, 'etc', 'npmrc');
  for (const rc of [userrc, globalrc]) {
    const text = inputs.readText(rc);
    const value = text === undefined ? undefined : iniValue(text, 'cafile');
    if (value) return expandNpmPath(value, env, inputs.home);
  }
  return undefined;
}

/** `key = value` from an npmrc (ini); comments start with ; or #; quotes are removed. */
export function iniValue(text: string, key: string): string | undefined {
  let found: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0 || line.slice(0, eq).trim() !== key) continue;
    found = line.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return found;
}

/** npm expands `${VAR}` in npmrc values and `~/` in paths. */
function expandNpmPath(value: string, env: NodeJS.ProcessEnv, home: string): string {
  const expanded = value.replace(/\$\{([^}]+)\}/g, (_, name: string) => env[name] ?? '');
  return expanded.startsWith('~/') ? join(home, expanded.slice(2)) : expanded;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every certificate in the texts, once each (same base64 body = same certificate), in order. */
export function combineCertificates(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const text of texts) {
    for (const block of text.match(PEM_BLOCK) ?? []) {
      const body = block.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
      if (seen.has(body)) continue;
      seen.add(body);
      out.push(block.replace(/\r\n/g, '\n'));
    }
  }
  return out;
}

export interface TrustBundle {
  /** Host directory mounted read-only at CONTAINER_TRUST_DIR. */
  hostDir: string;
  certificates: number;
  /** Sources that were named but could not be read (warned about). */
  unreadable: string[];
}

/**
 * Gathers the host's trust into `<dir>/ca-certificates.crt` (rewritten only when it
 * changed, atomically). Undefined when the host has no certificates to lend.
 */
export function writeTrustBundle(dir: string, extraFiles: readonly string[] = [], inputs: TrustInputs = realInputs()): TrustBundle | undefined {
  const sources = trustSources(inputs, extraFiles);
  const texts: string[] = [];
  const unreadable: string[] = [];
  for (const source of sources) {
    const text = inputs.readText(source.file);
    if (text === undefined) unreadable.push(`${source.origin} ${source.file}`);
    else texts.push(text);
  }
  if (inputs.platform === 'darwin') texts.push(macKeychainCertificates());
  const certificates = combineCertificates(texts);
  if (certificates.length === 0) return undefined;
  const content = `# Written by dual: the certificates this host trusts (${sources.map((s) => s.origin).join(', ')}).\n${certificates.join('\n')}\n`;
  const file = join(dir, BUNDLE_NAME);
  if (inputs.readText(file) !== content) writeFileAtomic(file, content, { mode: 0o644, dirMode: 0o755 });
  return { hostDir: dir, certificates: certificates.length, unreadable };
}

function realInputs(): TrustInputs {
  return {
    env: process.env,
    platform: process.platform,
    home: homedir(),
    execPath: process.execPath,
    exists: existsSync,
    readText: (file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

function macKeychainCertificates(): string {
  let pem = '';
  for (const keychain of MAC_KEYCHAINS) {
    try {
      pem += execFileSync('security', ['find-certificate', '-a', '-p', keychain], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      // No keychain tool or no such keychain: the file bundle still applies.
    }
  }
  return pem;
}
