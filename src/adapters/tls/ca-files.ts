import { chmodSync, readFileSync } from 'node:fs';
import { tlsPaths } from './paths.js';

/**
 * The CA's two PEM files as text, or undefined when there is no CA yet. Needs no X.509
 * library: the proxy starts with these alone (node:tls and node:crypto read PEM) and loads
 * @peculiar/x509 (a second of CPU on a busy machine) only when it must issue a new leaf.
 */
export function readCaFiles(home: string): { certPem: string; keyPem: string } | undefined {
  const paths = tlsPaths(home);
  try {
    const certPem = readFileSync(paths.caCert, 'utf8');
    const keyPem = readFileSync(paths.caKey, 'utf8');
    // A key file someone loosened is tightened again: only the user may read it.
    chmodSync(paths.caKey, 0o600);
    return { certPem, keyPem };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
