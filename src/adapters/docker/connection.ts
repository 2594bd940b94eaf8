import { DualError } from '../../model/errors.js';
import { contextEndpoint, currentContextName, dockerConfigDir } from './docker-context.js';
import { loadTlsMaterial, type TlsMaterial } from './docker-tls.js';

/**
 * Where the Docker engine is, resolved the way the `docker` CLI resolves it, in the one place
 * every command and the proxy use (the one transport, api-transport.ts, takes its
 * EngineAddress from here):
 *
 *   1. DOCKER_HOST (with DOCKER_TLS_VERIFY / DOCKER_TLS and DOCKER_CERT_PATH for tcp://)
 *   2. DOCKER_CONTEXT, a context name
 *   3. `currentContext` in the Docker CLI config ($DOCKER_CONFIG/config.json, default ~/.docker)
 *   4. the default socket, /var/run/docker.sock
 *
 * This is docker/cli's own order (cli/command/cli.go resolveContextName): DOCKER_HOST wins over
 * DOCKER_CONTEXT, which wins over the config file; the context named `default` means "no
 * context". How to connect to an address is engine-agent.ts.
 */
export type EngineAddress =
  | { kind: 'unix'; socketPath: string; display: string }
  | { kind: 'tcp'; host: string; port: number; display: string; tls?: TlsMaterial }
  | { kind: 'ssh'; target: SshTarget; display: string };

export interface SshTarget {
  user?: string;
  host: string;
  port?: string;
  /** The engine's socket on the remote machine, when the URL names one (ssh://host/run/docker.sock). */
  socketPath?: string;
}

export const DEFAULT_SOCKET = '/var/run/docker.sock';
/** docker/cli's default for a tcp:// address without a port, with or without TLS (opts.ParseTCPAddr). */
const DEFAULT_TCP_PORT = 2375;

export function engineAddress(env: NodeJS.ProcessEnv = process.env): EngineAddress {
  if (env.DOCKER_HOST) {
    return parseDockerHost(env.DOCKER_HOST, 'DOCKER_HOST', (dir) => envTls(env, dir));
  }
  const configDir = dockerConfigDir(env);
  const fromEnv = env.DOCKER_CONTEXT;
  const name = fromEnv || currentContextName(configDir);
  if (!name || name === 'default') return unixAddress(DEFAULT_SOCKET);
  const source = fromEnv ? 'DOCKER_CONTEXT' : `the current context in ${configDir}/config.json`;
  const endpoint = contextEndpoint(configDir, name, source);
  const label = `docker context "${name}"`;
  const address = parseDockerHost(endpoint.host || `unix://${DEFAULT_SOCKET}`, label, () => endpoint.tls);
  return { ...address, display: `${address.display} (${label})` };
}

/**
 * An address as DOCKER_HOST or a context's endpoint writes it. `tls` is asked for only for
 * tcp:// (a socket or ssh never uses TLS, as in docker/cli).
 */
export function parseDockerHost(raw: string, source: string, tls: (display: string) => TlsMaterial | undefined): EngineAddress {
  // docker/cli reads an address without a scheme as tcp (opts.parseDockerDaemonHost).
  const value = raw.includes('://') ? raw : `tcp://${raw}`;
  const scheme = value.slice(0, value.indexOf('://'));
  const rest = value.slice(scheme.length + 3);
  if (scheme === 'unix') return unixAddress(rest || DEFAULT_SOCKET);
  if (scheme === 'tcp') return tcpAddress(value, rest, source, tls);
  if (scheme === 'ssh') return sshAddress(value, source);
  throw new DualError(`${source}=${raw} uses ${scheme}://, which dual does not support: use unix://, tcp:// or ssh://`);
}

function unixAddress(socketPath: string): EngineAddress {
  return { kind: 'unix', socketPath, display: socketPath };
}

function tcpAddress(value: string, rest: string, source: string, tls: (display: string) => TlsMaterial | undefined): EngineAddress {
  const url = parseUrl(`http://${rest}`, value, source);
  if (url.pathname !== '/' || url.search || url.username) {
    throw new DualError(`${source}=${value} has more than host and port: write it as tcp://<host>:<port>`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const port = url.port ? Number(url.port) : DEFAULT_TCP_PORT;
  const material = tls(value);
  return { kind: 'tcp', host, port, display: value, ...(material ? { tls: material } : {}) };
}

function sshAddress(value: string, source: string): EngineAddress {
  const url = parseUrl(value, value, source);
  const problem = url.password
    ? 'a password in the URL (use an ssh key or ssh-agent)'
    : url.search || url.hash
      ? 'query or fragment parts'
      : !url.hostname
        ? 'no host'
        : undefined;
  if (problem) throw new DualError(`${source}=${value} has ${problem}: write it as ssh://[user@]host[:port]`);
  const socketPath = decodeURIComponent(url.pathname).replace(/^\/+$/, '');
  const target: SshTarget = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.port ? { port: url.port } : {}),
    ...(socketPath ? { socketPath } : {}),
  };
  return { kind: 'ssh', target, display: value };
}

function parseUrl(text: string, value: string, source: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new DualError(`${source}=${value} is not a valid address: write it as unix:///path, tcp://<host>:<port> or ssh://[user@]host`);
  }
}

/**
 * TLS for a tcp:// DOCKER_HOST, with docker/cli's rules: DOCKER_TLS_VERIFY set to anything
 * non-empty (even "0") means TLS with the server verified; DOCKER_TLS alone means TLS without
 * verification; the certificates are read from DOCKER_CERT_PATH, default the config folder.
 */
function envTls(env: NodeJS.ProcessEnv, display: string): TlsMaterial | undefined {
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) return undefined;
  const dir = env.DOCKER_CERT_PATH || dockerConfigDir(env);
  return loadTlsMaterial(dir, { verify, required: true, what: env.DOCKER_CERT_PATH ? 'DOCKER_CERT_PATH' : `the default DOCKER_CERT_PATH (for ${display})` });
}
