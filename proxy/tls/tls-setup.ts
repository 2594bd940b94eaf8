import type { Server as HttpServer } from 'node:http';
import type { LocalCa } from '../../src/adapters/tls/ca.js';
import { readCaFiles } from '../../src/adapters/tls/ca-files.js';
import { tlsPaths } from '../../src/adapters/tls/paths.js';
import type { ProxyLog } from '../log.js';
import type { HandlerDeps } from '../request-handler.js';
import { CertificateStore, type LeafSigner } from './certificate-store.js';
import { certificateName } from './certificate-names.js';
import { createH2Server, type H2Handlers } from './h2-server.js';
import { serveTlsOnSamePort } from './one-port.js';

export interface ProxyTls {
  /** Makes a listener's HTTP server answer TLS (h2 and http/1.1) on its port too. */
  attach(server: HttpServer): void;
}

/**
 * HTTPS for the proxy: dual's CA (made on first use), a leaf per name on demand, the h2
 * server. Undefined when the CA cannot be read or made: the proxy then serves plain HTTP and
 * says why, rather than not starting.
 */
export async function startProxyTls(options: {
  home: string;
  deps: HandlerDeps;
  onRequest: H2Handlers['onRequest'];
  /** Read when a listener opens: a reloaded proxy.headersTimeoutSeconds reaches the listeners it reopens. */
  idleTimeoutMs: () => number;
  log: ProxyLog;
}): Promise<ProxyTls | undefined> {
  const { log } = options;
  try {
    const store = new CertificateStore(await caSigner(options.home, log), tlsPaths(options.home).leaves, Date.now, (hostname, ms) =>
      log.debug('issued a certificate', { hostname, ms: Math.round(ms * 10) / 10 }),
    );
    const defaultCert = await store.leaf('localhost');
    const h2 = createH2Server({ onRequest: options.onRequest }, log);
    return {
      attach: (server) =>
        serveTlsOnSamePort(server, {
          contextFor: async (servername) => {
            const name = certificateName(servername, options.deps.domains());
            return name ? store.context(name) : undefined;
          },
          defaultCert,
          h2,
          log,
          idleTimeoutMs: options.idleTimeoutMs(),
        }),
    };
  } catch (error) {
    log.error(`HTTPS is off: ${(error as Error).message}`);
    return undefined;
  }
}

/**
 * The CA from its files when it exists (no X.509 library needed to start); made here on the
 * very first start. The full CA is loaded once, when a name needs a new leaf.
 */
async function caSigner(home: string, log: ProxyLog): Promise<LeafSigner> {
  const files = readCaFiles(home);
  let full: Promise<LocalCa> | undefined;
  if (!files) {
    const made = await (await import('../../src/adapters/tls/ca.js')).loadOrCreateCa(home);
    log.info(`made dual's local CA in ${tlsPaths(home).caDir}; run \`dual trust\` so browsers accept https://`);
    full = Promise.resolve(made);
  }
  const load = async (): Promise<LocalCa> => {
    const ca = await (await import('../../src/adapters/tls/ca.js')).loadCa(home);
    if (!ca) throw new Error(`dual's CA in ${tlsPaths(home).caDir} is gone; restart the proxy to make a new one`);
    return ca;
  };
  return {
    certPem: files?.certPem ?? (await full)!.certPem,
    load: () => (full ??= load().catch((error: unknown) => {
      full = undefined;
      throw error;
    })),
  };
}
