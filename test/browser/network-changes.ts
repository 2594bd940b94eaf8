import { spawn } from 'node:child_process';

/**
 * When this host's network interfaces or addresses last changed, as the kernel announces it
 * (`ip monitor` from Debian's iproute2 reads the netlink messages Chromium reads).
 *
 * Why the browser tests need it: Chromium on Linux drops requests in flight, and closes every
 * HTTP/2 session, with ERR_NETWORK_CHANGED whenever an address appears or goes, and Docker adds
 * and removes interfaces and addresses as the other test files make networks and containers.
 * Chromium does not always say so: a navigation it moved to its error page, or a load that
 * never finished, can come with no net error at all. So a failed navigation is retried when
 * the host's network changed while it was under way, and only then: a failure with a quiet
 * network fails the test at once.
 */
export interface NetworkWatch {
  /** True when an interface or address changed at or after `since` (a Date.now() value). */
  changedSince(since: number): boolean;
}

let shared: NetworkWatch | undefined;

/** The process's one watch, started on first use and kept until the process ends. */
export function watchNetworkChanges(): NetworkWatch {
  if (shared) return shared;
  let last = 0;
  let failure: Error | undefined;
  const monitor = spawn('ip', ['-o', 'monitor', 'link', 'address'], { stdio: ['ignore', 'pipe', 'ignore'] });
  monitor.on('error', (error) => (failure = new Error(`cannot watch the host's network with \`ip monitor\` (${error.message}); install Debian's iproute2`)));
  monitor.on('exit', (code) => (failure ??= new Error(`\`ip monitor\` ended (exit ${code}): the host's network changes are no longer seen`)));
  monitor.stdout.on('data', () => (last = Date.now()));
  // It must not keep the test process alive.
  monitor.unref();
  (monitor.stdout as unknown as { unref(): void }).unref();
  shared = {
    changedSince(since) {
      if (failure) throw failure;
      return last >= since;
    },
  };
  return shared;
}
