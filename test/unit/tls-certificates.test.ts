import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateCa } from '../../src/adapters/tls/ca.js';
import { tlsPaths } from '../../src/adapters/tls/paths.js';
import { certificateName } from '../../proxy/tls/certificate-names.js';
import { CertificateStore } from '../../proxy/tls/certificate-store.js';
import { issueLeaf, LEAF_DAYS } from '../../proxy/tls/leaf.js';
import { privilegedPortHint, withHttps443 } from '../../proxy/tls/port-443.js';

const homes: string[] = [];
const newHome = () => {
  const home = mkdtempSync(join(tmpdir(), 'dual-tls-unit-'));
  homes.push(home);
  return home;
};
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});
const DAY = 24 * 60 * 60 * 1000;

describe('certificateName', () => {
  it('names only hosts the proxy answers', () => {
    expect(certificateName('shop-main.localhost', [])).toBe('shop-main.localhost');
    expect(certificateName('Shop-Main.LocalHost.', [])).toBe('shop-main.localhost');
    expect(certificateName('localhost', [])).toBe('localhost');
    expect(certificateName('dual.localhost', [])).toBe('dual.localhost');
    expect(certificateName('shop-main.test', ['test'])).toBe('shop-main.test');
  });

  it('refuses foreign names, nested labels, wildcards and IP literals', () => {
    expect(certificateName('attacker.com', [])).toBeUndefined();
    expect(certificateName('shop-main.test', [])).toBeUndefined();
    expect(certificateName('a.b.localhost', [])).toBeUndefined();
    expect(certificateName('*.localhost', [])).toBeUndefined();
    expect(certificateName('127.0.0.1', [])).toBeUndefined();
    expect(certificateName('localhost.attacker.com', [])).toBeUndefined();
  });
});

describe('dual CA', () => {
  it('is made once, with a 0600 key, and loaded again unchanged', async () => {
    const home = newHome();
    const first = await loadOrCreateCa(home);
    const second = await loadOrCreateCa(home);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(statSync(tlsPaths(home).caKey).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(first.certPem);
    expect(cert.ca).toBe(true);
  });

  it('two processes racing to make it end with one CA', async () => {
    const home = newHome();
    const [a, b] = await Promise.all([loadOrCreateCa(home), loadOrCreateCa(home)]);
    expect(a.fingerprint).toBe(b.fingerprint);
  });
});

describe('leaves', () => {
  it('are for exactly one name, signed by the CA, valid for LEAF_DAYS', async () => {
    const ca = await loadOrCreateCa(newHome());
    const now = new Date('2026-01-01T00:00:00Z');
    const leaf = await issueLeaf(ca, 'shop-main.localhost', now);
    const cert = new X509Certificate(leaf.certPem);
    expect(cert.subjectAltName).toBe('DNS:shop-main.localhost');
    expect(cert.checkHost('shop-main.localhost')).toBe('shop-main.localhost');
    expect(cert.checkHost('other.localhost')).toBeUndefined();
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(new Date(cert.validTo).getTime()).toBe(now.getTime() + LEAF_DAYS * DAY);
  });

  it('are kept on disk and reused, renewed within 30 days of expiry, and replaced when another CA signed them', async () => {
    const home = newHome();
    const ca = await loadOrCreateCa(home);
    const dir = tlsPaths(home).leaves;
    let now = Date.parse('2026-01-01T00:00:00Z');
    const issued: string[] = [];
    let caLoads = 0;
    const signer = { certPem: ca.certPem, load: async () => (caLoads++, ca) };
    const store = () => new CertificateStore(signer, dir, () => now, (name) => issued.push(name));

    const first = await store().leaf('shop-main.localhost');
    expect(issued).toEqual(['shop-main.localhost']);
    // A new store (a proxy restart) finds it on disk.
    expect((await store().leaf('shop-main.localhost')).certPem.trim()).toBe(first.certPem.trim());
    expect(issued).toHaveLength(1);
    // Serving a stored leaf needs only the CA certificate: the key (and the X.509 library) stay unloaded.
    expect(caLoads).toBe(1);

    now += (LEAF_DAYS - 31) * DAY;
    expect((await store().leaf('shop-main.localhost')).certPem.trim()).toBe(first.certPem.trim());
    now += 2 * DAY;
    const renewed = await store().leaf('shop-main.localhost');
    expect(renewed.certPem.trim()).not.toBe(first.certPem.trim());
    expect(issued).toHaveLength(2);

    const foreign = await issueLeaf(await loadOrCreateCa(newHome()), 'shop-main.localhost', new Date(now));
    writeFileSync(join(dir, 'shop-main.localhost.pem'), `${foreign.certPem}\n${foreign.keyPem}\n`);
    const replaced = await store().leaf('shop-main.localhost');
    expect(new X509Certificate(replaced.certPem).verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(readFileSync(join(dir, 'shop-main.localhost.pem'), 'utf8')).toContain(replaced.certPem.trim());
  });

  it('issues a name once for concurrent handshakes', async () => {
    const home = newHome();
    const issued: string[] = [];
    const ca = await loadOrCreateCa(home);
    const store = new CertificateStore({ certPem: ca.certPem, load: async () => ca }, tlsPaths(home).leaves, Date.now, (name) => issued.push(name));
    await Promise.all([store.context('a.localhost'), store.context('a.localhost'), store.context('a.localhost')]);
    expect(issued).toEqual(['a.localhost']);
  });
});

describe('proxy.https443', () => {
  it('adds 443 to the listening ports only when asked', () => {
    expect(withHttps443([3000, 5173], false)).toEqual([3000, 5173]);
    expect(withHttps443([3000, 5173], true)).toEqual([3000, 5173, 443]);
    expect(withHttps443([443], true)).toEqual([443]);
  });

  it('says how to allow a privileged port without sudo behind the user\'s back', () => {
    const hint = privilegedPortHint(443, '/usr/bin/node', 'linux');
    expect(hint).toContain('sudo sysctl net.ipv4.ip_unprivileged_port_start=443');
    expect(hint).toContain('sudo setcap cap_net_bind_service=+ep /usr/bin/node');
    expect(privilegedPortHint(3000, '/usr/bin/node', 'linux')).toBe('');
  });
});
