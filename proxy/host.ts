/**
 * Reading the Host header: which workspace a request is for, and whether the proxy should
 * answer it at all. Pure functions; the request path calls `classifyHost` once per request.
 *
 * DNS rebinding: a page on evil.com can point evil.com at 127.0.0.1 and then read
 * whatever answers there, because the browser sends `Host: evil.com`. Answering only
 * loopback names (localhost, *.localhost, loopback IPs) and domains the user configured
 * closes that hole: an attacker cannot make a browser send `Host: x.localhost`.
 */
export type HostTarget =
  /** `localhost`, `dual.localhost`, `127.0.0.1`, `[::1]`: the dashboard. */
  | { kind: 'dashboard'; hostname: string }
  /** `<id>.localhost` or `<id>.<configured domain>`. */
  | { kind: 'workspace'; hostname: string; id: string }
  | { kind: 'missing' }
  | { kind: 'refused'; hostname: string };

const LOOPBACK_LITERALS = new Set(['127.0.0.1', '::1', '[::1]']);
const DASHBOARD_NAMES = new Set(['localhost', 'dual.localhost']);
/** A DNS label as dual writes workspace ids (naming.ts): lowercase, digits, dashes. */
const LABEL_CHARS = /^[a-z0-9-]+$/;
const HOSTNAME_CHARS = /^[a-z0-9.-]+$/;

/** `Foo.LocalHost.:3000` -> `foo.localhost`; `[::1]:3000` -> `[::1]`. Undefined when unparsable. */
export function hostnameOf(hostHeader: string): string | undefined {
  let host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return undefined;
    const rest = host.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    return host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  if (colon >= 0) {
    if (!/^\d{1,5}$/.test(host.slice(colon + 1))) return undefined;
    host = host.slice(0, colon);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '' || !HOSTNAME_CHARS.test(host) || host.includes('..')) return undefined;
  return host;
}

/** Normalises configured domains: `.Test.` -> `test`. */
export function normalizeDomains(domains: readonly string[]): string[] {
  return domains.map((d) => d.trim().toLowerCase().replace(/^\.+|\.+$/g, '')).filter((d) => d.length > 0);
}

export function classifyHost(hostHeader: string | undefined, domains: readonly string[]): HostTarget {
  if (hostHeader === undefined || hostHeader === '') return { kind: 'missing' };
  const hostname = hostnameOf(hostHeader);
  if (hostname === undefined) return { kind: 'refused', hostname: hostHeader.slice(0, 100) };
  if (DASHBOARD_NAMES.has(hostname) || LOOPBACK_LITERALS.has(hostname)) return { kind: 'dashboard', hostname };
  for (const suffix of ['localhost', ...domains]) {
    if (hostname === suffix && suffix !== 'localhost') return { kind: 'dashboard', hostname };
    if (hostname.endsWith(`.${suffix}`)) {
      const id = hostname.slice(0, -(suffix.length + 1));
      // `a.b.localhost` is a loopback name (allowed) but no workspace id has a dot: it gets the 404 page.
      if (LABEL_CHARS.test(id) || id.includes('.')) return { kind: 'workspace', hostname, id };
    }
  }
  return { kind: 'refused', hostname };
}
