import { join } from 'node:path';

/**
 * Where dual keeps its local certificate authority and what it knows about trust:
 *   tls/ca/ca.crt      the CA certificate (public; what `dual trust` installs)
 *   tls/ca/ca.key      its private key, mode 0600 in a 0700 directory
 *   tls/leaves/<name>.pem   issued leaf certificate + key per host name (0600)
 *   tls/trust.json     what `dual trust` installed where (so --uninstall removes exactly that)
 */
export function tlsPaths(home: string) {
  const dir = join(home, 'tls');
  return {
    dir,
    caDir: join(dir, 'ca'),
    caCert: join(dir, 'ca', 'ca.crt'),
    caKey: join(dir, 'ca', 'ca.key'),
    leaves: join(dir, 'leaves'),
    trustRecord: join(dir, 'trust.json'),
  };
}

/**
 * The CA certificate file that containers mount read-only and point NODE_EXTRA_CA_CERTS at,
 * so a server-side fetch to another `https://<id>.localhost` verifies. It exists once the
 * proxy or `dual trust` has run; callers check before mounting.
 */
export function dualCaCertPath(home: string): string {
  return tlsPaths(home).caCert;
}
