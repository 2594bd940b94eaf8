import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * @peculiar/x509 on Node's WebCrypto. ECDSA P-256 throughout: a key pair costs about a
 * millisecond (RSA-2048 costs tens to hundreds), and every browser accepts it.
 * reflect-metadata: @peculiar/x509 resolves its parsers through tsyringe, which needs it.
 */
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
export const subtle = webcrypto.subtle;
export const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

export async function importPrivateKeyPem(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (!der) throw new Error('no PEM block');
  return subtle.importKey('pkcs8', der, EC_ALGORITHM, false, ['sign']);
}

/** Random positive serial number, 16 bytes (CA/B forum asks for at least 64 bits of entropy). */
export function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
