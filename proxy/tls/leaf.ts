import { EC_ALGORITHM, exportPrivateKeyPem, randomSerial, subtle, x509 } from '../../src/adapters/tls/x509.js';
import type { LocalCa } from '../../src/adapters/tls/ca.js';

export interface Leaf {
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

/** Leaves live 90 days and are renewed when fewer than 30 remain (cert-store.ts). */
export const LEAF_DAYS = 90;
const DAY = 24 * 60 * 60 * 1000;

/**
 * A server certificate for exactly one host name, signed by dual's CA: no wildcard (browsers
 * refuse `*.localhost`, a label directly under a reserved name) and no other name, so a leaf
 * can never vouch for a host it was not issued for. `localhost` also covers the loopback
 * addresses, for clients that connect by IP without SNI.
 */
export async function issueLeaf(ca: LocalCa, hostname: string, now: Date): Promise<Leaf> {
  const keys = (await subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const names: x509.JsonGeneralName[] = [{ type: 'dns', value: hostname }];
  if (hostname === 'localhost') names.push({ type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '::1' });
  const notAfter = new Date(now.getTime() + LEAF_DAYS * DAY);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${hostname}`,
    issuer: ca.cert.subject,
    // An hour back: a clock a little behind on the client still accepts a fresh leaf.
    notBefore: new Date(now.getTime() - 60 * 60 * 1000),
    notAfter,
    signingKey: ca.key,
    publicKey: keys.publicKey,
    signingAlgorithm: EC_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKeyPem(keys.privateKey), notAfter };
}
