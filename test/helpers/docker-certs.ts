import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EC_ALGORITHM, exportPrivateKeyPem, randomSerial, subtle, x509 } from '../../src/adapters/tls/x509.js';

/**
 * What `dockerd --tlsverify` setups use, made in the test: a CA, a server certificate for
 * 127.0.0.1 and a client certificate, both signed by it. `clientDir` is laid out as
 * DOCKER_CERT_PATH expects (ca.pem, cert.pem, key.pem).
 */
export interface DockerCerts {
  clientDir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
}

interface Issued {
  certPem: string;
  keyPem: string;
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

const DAY = 24 * 60 * 60 * 1000;

async function newKeys(): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function issued(cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<Issued> {
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKeyPem(keys.privateKey), cert, keys };
}

export async function makeCa(name: string): Promise<Issued> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + DAY),
    keys,
    signingAlgorithm: EC_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return issued(cert, keys);
}

async function makeLeaf(ca: Issued, name: string, usage: 'server' | 'client'): Promise<Issued> {
  const keys = await newKeys();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
  ];
  if (usage === 'server') extensions.push(new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }]));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${name}`,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + DAY),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: EC_ALGORITHM,
    extensions,
  });
  return issued(cert, keys);
}

/** A CA, its server certificate for 127.0.0.1, and a client folder (ca.pem, cert.pem, key.pem). */
export async function makeDockerCerts(clientDir: string): Promise<DockerCerts> {
  const ca = await makeCa('dual-test docker CA');
  const server = await makeLeaf(ca, '127.0.0.1', 'server');
  const client = await makeLeaf(ca, 'dual-test client', 'client');
  writeCertDir(clientDir, { ca: ca.certPem, cert: client.certPem, key: client.keyPem });
  return { clientDir, ca: ca.certPem, serverCert: server.certPem, serverKey: server.keyPem };
}

export function writeCertDir(dir: string, files: { ca: string; cert: string; key: string }): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ca.pem'), files.ca);
  writeFileSync(join(dir, 'cert.pem'), files.cert);
  writeFileSync(join(dir, 'key.pem'), files.key, { mode: 0o600 });
}
