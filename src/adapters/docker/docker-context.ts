import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DualError } from '../../model/errors.js';
import { loadTlsMaterial, type TlsMaterial } from './docker-tls.js';

/**
 * The Docker CLI's configuration, read the way docker/cli stores it: `config.json` in
 * $DOCKER_CONFIG (default ~/.docker) names the current context; each context is
 * `contexts/meta/<sha256(name)>/meta.json` with its TLS files in
 * `contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem`.
 */
export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(homedir(), '.docker');
}

/** `currentContext` from config.json; undefined when the file or the field is absent. */
export function currentContextName(configDir: string): string | undefined {
  const file = join(configDir, 'config.json');
  const text = readOptional(file, `the Docker CLI config ${file}`);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { currentContext?: unknown };
    return typeof parsed.currentContext === 'string' ? parsed.currentContext : undefined;
  } catch {
    throw new DualError(`the Docker CLI config ${file} is not valid JSON: fix it, or set DOCKER_CONFIG to another folder`);
  }
}

export interface ContextEndpoint {
  /** The engine address, as in DOCKER_HOST (unix://, tcp://, ssh://). */
  host: string;
  tls?: TlsMaterial;
}

/** The Docker endpoint of context `name`; `source` says who chose it (for the message when it does not exist). */
export function contextEndpoint(configDir: string, name: string, source: 'DOCKER_CONTEXT' | string): ContextEndpoint {
  // Loaded here, only when a context is named: node:crypto costs milliseconds every `dual exec` would pay.
  const { createHash } = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = join(configDir, 'contexts', 'meta', id, 'meta.json');
  const text = readOptional(metaFile, `docker context "${name}"`);
  if (text === undefined) {
    const fix = source === 'DOCKER_CONTEXT' ? 'unset DOCKER_CONTEXT or set it to one' : 'run `docker context use <name>` with one of them';
    throw new DualError(`Docker context "${name}" (from ${source}) does not exist: \`docker context ls\` lists the contexts; ${fix}`);
  }
  let endpoint: { Host?: unknown; SkipTLSVerify?: unknown } | undefined;
  try {
    endpoint = (JSON.parse(text) as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } }).Endpoints?.docker;
  } catch {
    throw new DualError(`docker context "${name}" is damaged (${metaFile} is not valid JSON): recreate it with \`docker context create\``);
  }
  if (!endpoint || typeof endpoint.Host !== 'string') {
    throw new DualError(`docker context "${name}" has no Docker endpoint (${metaFile}): recreate it with \`docker context create ${name} --docker host=...\``);
  }
  const skipVerify = endpoint.SkipTLSVerify === true;
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  const tls = loadTlsMaterial(tlsDir, { verify: !skipVerify, required: false, what: `the TLS folder of docker context "${name}"` });
  // As docker/cli: no TLS files and no SkipTLSVerify means plain TCP; SkipTLSVerify alone means TLS, unverified.
  return { host: endpoint.Host, ...(tls ? { tls } : skipVerify ? { tls: { verify: false, dir: tlsDir } } : {}) };
}

function readOptional(file: string, what: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new DualError(`cannot read ${what} (${file}: ${code ?? String(error)}): make it readable for this user`);
  }
}
