import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { DualError } from '../../model/errors.js';
import { readCaFiles } from './ca-files.js';
import { tlsPaths } from './paths.js';
import { EC_ALGORITHM, exportPrivateKeyPem, importPrivateKeyPem, randomSerial, subtle, x509 } from './x509.js';

export interface LocalCa {
  certPem: string;
  cert: x509.X509Certificate;
  key: CryptoKey;
  /** SHA-256 of the certificate (DER), hex: names it in the stores (`dual-<first 16>`). */
  fingerprint: string;
}

const CA_YEARS = 10;

/**
 * dual's own CA, made once per DUAL_HOME and kept. Creation is atomic across processes (the
 * proxy and `dual trust` may race): the pair is written into a private temp directory that is
 * renamed into place; a loser of the race discards its pair and loads the winner's.
 */
export async function loadOrCreateCa(home: string): Promise<LocalCa & { created: boolean }> {
  const paths = tlsPaths(home);
  const existing = await loadCa(home);
  if (existing) return { ...existing, created: false };
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const temp = `${paths.caDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(temp, { mode: 0o700 });
  try {
    const { certPem, keyPem } = await generateCa();
    // The key is written 0600 from the first byte: never readable by others, even briefly.
    writeFileSync(`${temp}/ca.key`, keyPem, { mode: 0o600 });
    writeFileSync(`${temp}/ca.crt`, certPem, { mode: 0o644 });
    try {
      renameSync(temp, paths.caDir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  const made = await loadCa(home);
  if (!made) throw new DualError(`could not create dual's CA in ${paths.caDir}; check that directory's permissions`);
  return { ...made, created: true };
}

/** The CA if it exists, undefined if not. A damaged one is an error naming what to delete. */
export async function loadCa(home: string): Promise<LocalCa | undefined> {
  const files = readCaFiles(home);
  if (!files) return undefined;
  try {
    const cert = new x509.X509Certificate(files.certPem);
    return { certPem: files.certPem, cert, key: await importPrivateKeyPem(files.keyPem), fingerprint: fingerprintOf(files.certPem) };
  } catch (error) {
    throw new DualError(`dual's CA in ${tlsPaths(home).caDir} is damaged (${(error as Error).message}); run \`dual trust --uninstall\`, delete that directory and run \`dual trust\` again`);
  }
}

export function fingerprintOf(certPem: string): string {
  const der = x509.PemConverter.decode(certPem)[0]!;
  return createHash('sha256').update(Buffer.from(der)).digest('hex');
}

async function generateCa(): Promise<{ certPem: string; keyPem: string }> {
  const keys = (await subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const owner = `${safeName(userInfo().username)}@${safeName(hostname())}`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    // The serial's start makes two CAs of one user (two DUAL_HOMEs) tell apart in a keychain.
    name: `CN=dual local CA ${owner} ${randomSerial().slice(0, 8)}, O=dual (development only)`,
    notBefore: new Date(now - 60 * 60 * 1000),
    notAfter: new Date(now + CA_YEARS * 365 * 24 * 60 * 60 * 1000),
    keys,
    signingAlgorithm: EC_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

/** Distinguished-name values: no commas, equals or quotes that would need escaping. */
function safeName(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 40) || 'user';
}
