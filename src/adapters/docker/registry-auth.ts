import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageRegistry } from '../../model/image-reference.js';
import { dockerConfigDir } from './docker-context.js';

/** Docker Hub's key in the Docker CLI's config (and the address its credential helpers know). */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

/** What the Engine API takes in X-Registry-Auth (as JSON, in URL-safe base64). */
export interface RegistryAuth {
  serveraddress: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface CliConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/**
 * The credentials `docker login` stored for the image's registry, found the way the `docker`
 * CLI finds them ($DOCKER_CONFIG or ~/.docker/config.json: credHelpers, then credsStore, then
 * auths), so `dual create` pulls what `docker pull` can. The Engine API sends none by itself.
 * Undefined when there are none: the pull goes anonymous and a registry that wants a login
 * says so (see pull-failure.ts).
 */
export function registryAuth(image: string, env: NodeJS.ProcessEnv = process.env): RegistryAuth | undefined {
  const config = readCliConfig(env);
  if (!config) return undefined;
  const registry = imageRegistry(image);
  const key = registry === 'docker.io' ? DOCKER_HUB_KEY : registry;
  const helper = config.credHelpers?.[registry] ?? config.credsStore;
  if (helper) return fromHelper(helper, key, env);
  const entry = Object.entries(config.auths ?? {}).find(([address]) => hostOf(address) === hostOf(key))?.[1];
  if (!entry) return undefined;
  if (entry.identitytoken) return { serveraddress: key, identitytoken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString();
    const colon = decoded.indexOf(':');
    if (colon > 0) return { serveraddress: key, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password) return { serveraddress: key, username: entry.username, password: entry.password };
  return undefined;
}

function readCliConfig(env: NodeJS.ProcessEnv): CliConfig | undefined {
  try {
    return JSON.parse(readFileSync(join(dockerConfigDir(env), 'config.json'), 'utf8')) as CliConfig;
  } catch {
    return undefined;
  }
}

/** `https://index.docker.io/v1/` and `index.docker.io` are one key, as in the Docker CLI. */
function hostOf(address: string): string {
  return address.replace(/^[a-z]+:\/\//, '').split('/')[0]!;
}

/**
 * A credential helper the user configured (docker-credential-<name> get, the address on stdin).
 * Its name comes from the user's own Docker config, never from a branch; a helper that has no
 * entry for the registry (or is missing) means an anonymous pull.
 */
function fromHelper(helper: string, key: string, env: NodeJS.ProcessEnv): RegistryAuth | undefined {
  try {
    // Loaded here, on first use (a pull): node:child_process costs milliseconds every `dual exec` would pay.
    const { execFileSync } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
    const out = execFileSync(`docker-credential-${helper}`, ['get'], { input: key, env, stdio: ['pipe', 'pipe', 'ignore'], timeout: 30_000 });
    const answer = JSON.parse(out.toString()) as { Username?: string; Secret?: string };
    if (!answer.Secret) return undefined;
    return answer.Username === '<token>'
      ? { serveraddress: key, identitytoken: answer.Secret }
      : { serveraddress: key, username: answer.Username ?? '', password: answer.Secret };
  } catch {
    return undefined;
  }
}
