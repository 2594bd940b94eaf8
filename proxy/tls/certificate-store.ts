import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { LocalCa } from '../../src/adapters/tls/ca.js';
import type { Leaf } from './leaf.js';

const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The CA as the store needs it: its certificate, to check stored leaves, and the full CA
 * (key imported through @peculiar/x509) only to issue a new leaf, loaded on first use.
 */
export interface LeafSigner {
  certPem: string;
  load(): Promise<LocalCa>;
}

interface Held {
  context: SecureContext;
  leaf: Leaf;
  renewAt: number;
}

/**
 * Leaf certificates by host name: memory first, then `tls/leaves/<name>.pem` (so a proxy
 * restart issues nothing), then a new one. A leaf within 30 days of expiry, or not signed by
 * the current CA, is replaced. Concurrent handshakes for one new name share one issuance.
 * Names reaching here have been checked by certificateName(): they are safe file names.
 */
export class CertificateStore {
  private readonly held = new Map<string, Held>();
  private readonly issuing = new Map<string, Promise<Held>>();
  private readonly caX509: X509Certificate;

  constructor(
    private readonly ca: LeafSigner,
    private readonly dir: string,
    private readonly now: () => number = Date.now,
    /** Told about each issuance (the proxy logs it at debug, with its duration). */
    private readonly onIssued: (hostname: string, ms: number) => void = () => undefined,
  ) {
    this.caX509 = new X509Certificate(ca.certPem);
  }

  async context(hostname: string): Promise<SecureContext> {
    return (await this.get(hostname)).context;
  }

  /** The certificate and key themselves (the default certificate of a TLS server needs PEM). */
  async leaf(hostname: string): Promise<Leaf> {
    return (await this.get(hostname)).leaf;
  }

  private get(hostname: string): Promise<Held> {
    const held = this.held.get(hostname);
    if (held && held.renewAt > this.now()) return Promise.resolve(held);
    let pending = this.issuing.get(hostname);
    if (!pending) {
      pending = this.obtain(hostname).finally(() => this.issuing.delete(hostname));
      this.issuing.set(hostname, pending);
    }
    return pending;
  }

  private async obtain(hostname: string): Promise<Held> {
    const file = join(this.dir, `${hostname}.pem`);
    const fromDisk = this.readUsable(file);
    if (fromDisk) return this.hold(hostname, fromDisk);
    const started = performance.now();
    // leaf.ts loads the X.509 library: a proxy serving leaves from disk never pays for it.
    const [{ issueLeaf }, ca] = await Promise.all([import('./leaf.js'), this.ca.load()]);
    const leaf = await issueLeaf(ca, hostname, new Date(this.now()));
    this.onIssued(hostname, performance.now() - started);
    this.write(file, leaf);
    return this.hold(hostname, leaf);
  }

  private hold(hostname: string, leaf: Leaf): Held {
    const held = {
      context: createSecureContext({ cert: leaf.certPem, key: leaf.keyPem }),
      leaf,
      renewAt: leaf.notAfter.getTime() - RENEW_BEFORE_MS,
    };
    this.held.set(hostname, held);
    return held;
  }

  /** A stored leaf still worth serving: ours (this CA signed it) and not near expiry. */
  private readUsable(file: string): Leaf | undefined {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const cert = new X509Certificate(text);
      const notAfter = new Date(cert.validTo);
      if (!cert.verify(this.caX509.publicKey) || notAfter.getTime() - RENEW_BEFORE_MS <= this.now()) return undefined;
      const keyPem = text.slice(text.indexOf('-----BEGIN PRIVATE KEY-----'));
      return { certPem: cert.toString(), keyPem, notAfter };
    } catch {
      return undefined;
    }
  }

  private write(file: string, leaf: Leaf): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, `${leaf.certPem}\n${leaf.keyPem}\n`, { mode: 0o600 });
      renameSync(temp, file);
    } catch {
      // The disk cache only saves work on the next start; serving goes on without it.
    }
  }
}
