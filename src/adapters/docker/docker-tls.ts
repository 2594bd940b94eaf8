import { readFileSync, readdirSync } from 'node:fs';
import { isIP, type Socket } from 'node:net';
import { join } from 'node:path';
import { DualError, isEngineUnreachable } from '../../model/errors.js';

/** TLS for a tcp:// engine: docker's three files (any may be absent, as in docker/cli). */
export interface TlsMaterial {
  /** Verify the engine's certificate (against ca.pem, else the system's CAs). */
  verify: boolean;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** The folder they came from, for messages. */
  dir: string;
}

interface LoadOptions {
  verify: boolean;
  /** DOCKER_CERT_PATH must hold them; a context may have none (then no TLS unless it skips verification). */
  required: boolean;
  /** Where the folder came from, for messages (e.g. "DOCKER_CERT_PATH"). */
  what: string;
}

export function loadTlsMaterial(dir: string, options: LoadOptions): TlsMaterial | undefined {
  try {
    readdirSync(dir);
  } catch (error) {
    if (!options.required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DualError(`${options.what} ${dir} is not a readable folder (${code(error)}): point DOCKER_CERT_PATH at the folder holding ca.pem, cert.pem and key.pem`);
  }
  const ca = readPem(dir, 'ca.pem', options.what);
  const cert = readPem(dir, 'cert.pem', options.what);
  const key = readPem(dir, 'key.pem', options.what);
  if (!ca && !cert && !key) {
    if (!options.required) return undefined;
    throw new DualError(`${options.what} ${dir} holds none of ca.pem, cert.pem, key.pem: point DOCKER_CERT_PATH at the folder with the engine's certificates`);
  }
  if (Boolean(cert) !== Boolean(key)) {
    throw new DualError(`${options.what} ${dir} has ${cert ? 'cert.pem but no key.pem' : 'key.pem but no cert.pem'}: a client certificate needs both`);
  }
  return { verify: options.verify, dir, ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) };
}

function readPem(dir: string, name: string, what: string): Buffer | undefined {
  try {
    return readFileSync(join(dir, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DualError(`cannot read ${join(dir, name)} (${what}): ${code(error)}; make it readable for this user`);
  }
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/**
 * Opens a TLS connection and hands it over once the handshake is done, so that a handshake
 * failure (wrong CA, a plain-HTTP port, a refused client certificate) becomes one line saying
 * what to check, while "nothing listens there" stays the usual engine-unreachable error.
 * node:tls is loaded here, on first use: it costs milliseconds every `dual exec` would pay.
 */
export function dialTls(host: string, port: number, tls: TlsMaterial, display: string, done: (error: Error | null, socket?: Socket) => void): void {
  const { connect } = process.getBuiltinModule('node:tls') as typeof import('node:tls');
  const socket = connect({
    host,
    port,
    // SNI takes a name, never an address; an address is checked against the certificate's IP entries.
    ...(isIP(host) ? {} : { servername: host }),
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    rejectUnauthorized: tls.verify,
  });
  let connected = false;
  socket.once('connect', () => (connected = true));
  const failed = (error: Error) => {
    socket.destroy();
    done(!connected && isEngineUnreachable(error) ? error : tlsFailure(error, tls, display));
  };
  socket.once('error', failed);
  socket.once('secureConnect', () => {
    socket.off('error', failed);
    done(null, socket);
  });
}

function tlsFailure(error: Error, tls: TlsMaterial, display: string): DualError {
  const reason = error.message.split('\n')[0];
  if ((error as NodeJS.ErrnoException).code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return new DualError(`the Docker engine at ${display} does not speak TLS there (${reason}): unset DOCKER_TLS_VERIFY and DOCKER_TLS, or use the engine's TLS port`);
  }
  const hint = tls.ca
    ? `check that ${join(tls.dir, 'ca.pem')} is the CA that signed the engine's certificate and that the engine accepts ${join(tls.dir, 'cert.pem')}`
    : `no ca.pem in ${tls.dir}: put the engine's CA there`;
  return new DualError(`TLS with the Docker engine at ${display} failed (${reason}): ${hint}`);
}
