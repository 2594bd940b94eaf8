import { homePaths } from '../src/adapters/config/home.js';
import { loadSettings, type ProxySettings } from '../src/adapters/config/settings.js';
import { DualError } from '../src/model/errors.js';
import { checkBind } from './bind.js';
import type { DockerDiscovery } from './docker-discovery.js';
import { normalizeDomains } from './host.js';
import { createProxyServer } from './http-server.js';
import { ListenerManager } from './listeners.js';
import type { ProxyLog } from './log.js';
import { describePortHolder } from './port-holder.js';
import { portsToOpen } from './port-policy.js';
import { createDashboard } from './dashboard/dashboard.js';
import { renderPage } from './pages.js';
import { createRequestHandler } from './request-handler.js';
import { RouteSync } from './route-sync.js';
import { privilegedPortHint, withHttps443 } from './tls/port-443.js';
import { startProxyTls } from './tls/tls-setup.js';
import { RouteTable, type UpstreamMode } from './route-table.js';
import { UpstreamPools } from './upstream-pools.js';
import { trackedUrlScheme } from './url-scheme.js';
import { chooseUpstreamMode, probeReachable, type UpstreamSetting } from './upstream-mode.js';

export interface ProxyOptions {
  home: string;
  log: ProxyLog;
  /** Defaults to the real engine through dockerode. */
  discovery?: DockerDiscovery;
  /** --port: listen on exactly these, whatever the workspaces declare. */
  ports?: number[];
  /** --bind: overrides the config's addresses. */
  bind?: string[];
  allowRemote?: boolean;
  logRequests?: boolean;
  /** Overrides the config's proxy.upstream (tests force each mode). */
  upstream?: UpstreamSetting;
  headersTimeoutMs?: number;
  /** How long an upstream may take to start answering (default UPSTREAM_HEADERS_TIMEOUT_MS; tests shorten it). */
  upstreamHeadersTimeoutMs?: number;
  /** Follow config.json changes (default true). */
  watchConfig?: boolean;
  /** Called whenever the listening ports or listener problems change (the daemon records them in its state file). */
  onPortsChanged?: (ports: number[]) => void;
}

export interface RunningProxy {
  readonly table: RouteTable;
  readonly sync: RouteSync;
  ports(): number[];
  /** Listeners that could not open, e.g. `127.0.0.1:3000 is in use by process 42 (vite)`. */
  problems(): string[];
  upstreamMode(): UpstreamMode;
  bind(): string[];
  /** Resolves once the listeners match the current routes and settings (tests wait on it). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Wires the proxy together: settings -> route sync -> listeners -> request handler.
 * Returns once the first Docker sync has happened (or failed; it keeps retrying) and the
 * listeners are open.
 */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const paths = homePaths(options.home);
  const log = options.log;
  let settings: ProxySettings = loadSettings(paths.config).proxy;
  const discovery = options.discovery ?? (await (await import('./dockerode-discovery.js')).createDockerodeDiscovery(paths.home));

  let binds = options.bind ?? settings.bind;
  const { remote } = checkBind(binds, options.allowRemote ?? false);
  if (remote.length > 0) log.warn(`listening on ${remote.join(', ')}: every workspace is reachable from the network`);

  let domains = normalizeDomains(settings.domains);
  let dockerDesktop = false;
  let bridgeReachable: boolean | undefined;
  const table = new RouteTable(mode());
  const pools = new UpstreamPools(options.upstreamHeadersTimeoutMs);
  let sync: RouteSync | undefined;
  const urlScheme = trackedUrlScheme(paths.home);
  const dashboard = createDashboard({
    home: paths.home,
    stateDir: paths.state,
    table,
    engineConnected: () => sync?.connected ?? false,
    log,
    jsonSummary: (port) => renderPage({ kind: 'dashboard' }, { port, workspaces: table.workspaces(), scheme: urlScheme() }, true),
    urlScheme,
  });
  const deps = {
    dashboard,
    table,
    pools,
    domains: () => domains,
    https443: () => settings.https443,
    urlScheme,
    log,
    logRequests: options.logRequests ?? false,
  };
  const handler = createRequestHandler(deps);
  const headersTimeoutMs = options.headersTimeoutMs ?? settings.headersTimeoutSeconds * 1000;
  // HTTPS and h2 on every port (proxy/tls/); plain HTTP only if dual's CA cannot be made.
  const tls = await startProxyTls({ home: paths.home, deps, onRequest: handler.onRequest, idleTimeoutMs: headersTimeoutMs, log });
  const pinned = () => options.ports ?? settings.ports;
  const wantedPorts = () => withHttps443(pinned() ?? declaredPorts(), settings.https443);
  /** Keyed by `address port`: one bind address failing while another opens is still a failure. */
  const failedPorts = new Map<string, { port: number; code: string; message: string }>();
  const createServer = () => {
    const server = createProxyServer(handler, { headersTimeoutMs, keepAliveTimeoutMs: 5_000 }, log);
    tls?.attach(server);
    return server;
  };
  const listeners = new ListenerManager(createServer, binds, {
    opened: (port, address) => {
      if (failedPorts.delete(`${address} ${port}`)) options.onPortsChanged?.(listeners.ports());
      log.info(`listening on ${address.includes(':') ? `[${address}]` : address}:${port}`);
    },
    closed: (port) => log.info(`closed port ${port}`),
    failed: (port, address, error) => {
      if (error.code === 'EADDRNOTAVAIL' && address === '::1') {
        log.debug('no IPv6 loopback here; serving IPv4 only', { port });
        return;
      }
      const holder =
        error.code === 'EADDRINUSE' ? `: held by ${describePortHolder(port)}` : error.code === 'EACCES' ? privilegedPortHint(port, process.execPath, process.platform) : '';
      const message = `cannot listen on ${address.includes(':') ? `[${address}]` : address}:${port} (${error.code ?? error.message})${holder}`;
      failedPorts.set(`${address} ${port}`, { port, code: error.code ?? error.message, message });
      log.error(message);
      options.onPortsChanged?.(listeners.ports());
    },
  });

  function mode(): UpstreamMode {
    return chooseUpstreamMode(options.upstream ?? settings.upstream, { platform: process.platform, dockerDesktop, bridgeReachable });
  }

  /** Ports from labels, without the privileged ones (logged once each; see port-policy.ts). */
  const refusedLogged = new Set<number>();
  const declaredPorts = () => {
    const { open, refused } = portsToOpen(table.declaredPorts());
    for (const port of refused.filter((p) => !refusedLogged.has(p))) {
      refusedLogged.add(port);
      log.warn(`not listening on port ${port}, which a workspace declares: ports below 1024 are opened only when pinned with proxy.ports or --port`);
    }
    return open;
  };

  let lastPorts = '';
  const reconcile = () =>
    listeners.reconcile(wantedPorts()).then(() => {
      const ports = listeners.ports();
      if (ports.join() !== lastPorts) {
        lastPorts = ports.join();
        options.onPortsChanged?.(ports);
      }
    });

  const onRoutesChanged = () => {
    pools.retain(table.liveOrigins());
    dashboard.routesChanged();
    void reconcile();
    void maybeProbeBridge();
  };

  /** auto on Linux: check once that container IPs are reachable; fall back to published ports if not. */
  async function maybeProbeBridge(): Promise<void> {
    if ((options.upstream ?? settings.upstream) !== 'auto' || bridgeReachable !== undefined || table.upstreamMode !== 'bridge') return;
    const candidate = table.workspaces().find((w) => w.main.state === 'running' && w.main.bridgeIp);
    if (!candidate) return;
    bridgeReachable = true; // one probe at a time
    bridgeReachable = await probeReachable(candidate.main.bridgeIp, candidate.main.ports[0] ?? 80);
    if (!bridgeReachable) {
      log.warn('container IPs are not reachable from this host; using loopback-published ports');
      table.setUpstreamMode(mode());
      pools.retain(table.liveOrigins());
    }
  }

  sync = new RouteSync(discovery, table, {
    changed: onRoutesChanged,
    info: (message, fields) => log.info(message, fields),
    warn: (message, fields) => log.warn(message, fields),
  });

  try {
    dockerDesktop = await discovery.isDockerDesktop();
  } catch {
    // Engine not up yet: the sync below says so and keeps retrying.
  }
  table.setUpstreamMode(mode());
  log.info(`upstream mode: ${table.upstreamMode}`, { setting: options.upstream ?? settings.upstream });
  await sync.start();
  await reconcile();

  // A pinned port that cannot be opened is a start-up error: the user asked for exactly it.
  const pinnedNow = pinned();
  // 443 from proxy.https443 is optional: its failure is reported (status, log), never fatal.
  const pinnedFailures = [...failedPorts.values()].filter((f) => pinnedNow?.includes(f.port));
  if (pinnedNow && pinnedFailures.length > 0) {
    sync.stop();
    dashboard.close();
    await listeners.close();
    await pools.closeAll();
    const { port, code } = pinnedFailures[0]!;
    if (code === 'EADDRINUSE') throw new DualError(`port ${port} is in use by ${describePortHolder(port)}; stop it or pick another port with --port`);
    if (code === 'EACCES') throw new DualError(`port ${port} needs privileges to listen on; pick a port above 1023 with --port`);
    throw new DualError(`cannot listen on port ${port} (${code}); check --bind and --port`);
  }

  // Live settings: chokidar watches config.json (loaded lazily; the proxy is long-lived anyway).
  let watcher: { close(): Promise<void> } | undefined;
  if (options.watchConfig ?? true) {
    const { watchSettings } = await import('./settings-watch.js');
    watcher = watchSettings(paths.config, log, (next) => {
      const previous = settings;
      settings = next;
      domains = normalizeDomains(next.domains);
      if (previous.upstream !== next.upstream) {
        bridgeReachable = undefined;
        table.setUpstreamMode(mode());
        pools.retain(table.liveOrigins());
        log.info(`upstream mode: ${table.upstreamMode}`);
      }
      if (!options.bind && next.bind.join() !== binds.join()) {
        try {
          checkBind(next.bind, options.allowRemote ?? false);
          binds = next.bind;
          void listeners.rebind(binds, wantedPorts());
          return;
        } catch (error) {
          log.error(`ignoring proxy.bind from ${paths.config}: ${(error as Error).message}`);
        }
      }
      void reconcile();
    });
  }

  return {
    table,
    sync,
    ports: () => listeners.ports(),
    problems: () => [...failedPorts.values()].map((f) => f.message),
    upstreamMode: () => table.upstreamMode,
    bind: () => [...binds],
    settled: () => reconcile(),
    close: async () => {
      sync.stop();
      dashboard.close();
      await watcher?.close();
      await listeners.close();
      await pools.closeAll();
    },
  };
}
