import { classifyHost } from '../host.js';

/**
 * Which TLS server names dual will hold a certificate for: `localhost`, `dual.localhost`,
 * `<label>.localhost` and `<label>.<domain>` for each `proxy.domains` entry (and the domain
 * itself). Anything else (attacker.com, a.b.localhost, an IP literal) gets no certificate,
 * so its handshake fails: the same names the Host check accepts, never more. Pure.
 */
export function certificateName(servername: string, domains: readonly string[]): string | undefined {
  const target = classifyHost(servername, domains);
  if (target.kind === 'dashboard') return /^[0-9.:[\]]+$/.test(target.hostname) ? undefined : target.hostname;
  if (target.kind === 'workspace' && !target.id.includes('.')) return target.hostname;
  return undefined;
}
