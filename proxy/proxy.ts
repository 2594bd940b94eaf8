import { homePaths } from '../src/adapters/config/home.js';
import { loadSettings } from '../src/adapters/config/settings.js';
import { connectDocker } from '../src/adapters/docker-connect.js';
import type { DockerDiscovery } from './docker-discovery.js';
import { engineDiscovery } from './engine-discovery.js';
import { createProxyServer } from './http-server.js';
import { LiveSettings, type SettingsChange } from './live-settings.js';
import type { ProxyLog } from './log.js';
import { createDashboard } from './dashboard/dashboard.js';
import { renderPage } from './pages.js';
import { ProxyPorts } from './proxy-ports.js';
import { createRequestHandler } from './request-handler.js';
import { RouteSync } from './route-sync.js';
import { startProxyTls } from './tls/tls-setup.js';
import { RouteTable, type UpstreamMode } from './route-table.js';
import { UpstreamChoice } from './upstream-choice.js';
import { UpstreamPools } from './upstream-pools.js';
import { trackedUrlScheme } from './url-scheme.js';
import type { UpstreamSetting } from './upstream-mode.js';
import { createIdleSleep, type IdleSleep } from './wake/idle-sleep.js';

export interface ProxyOptions {
  home: string;
  log: ProxyLog;
  /** Defaults to this home's containers on the real engine. */
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
  /** One "minute" of `idle.stopAfterMinutes` (default: DUAL_IDLE_MINUTE_MS or 60,000 ms). */
  idleMinuteMs?: number;
  /** Called whenever the listening ports or listener problems change (the daemon records them in its state file). */
  onPortsChanged?: (ports: number[]) => void;
}

export interface RunningProxy {
  readonly table: RouteTable;
  /** Idle sleep: its sweep (tests run one pass directly). */
  readonly idle: IdleSleep;
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
 * Wires the proxy together: settings -> route sync -> listeners -> request handler. Each
 * part holds its own state (live-settings.ts, upstream-choice.ts, proxy-ports.ts); this
 * function only connects them. Returns once the first Docker sync has happened (or failed;
 * it keeps retrying) and the listeners are open.
 */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const paths = homePaths(options.home);
  const log = options.log;
  const settings = new LiveSettings(loadSettings(paths.config).proxy, options);
  const docker = connectDocker();
  const discovery = options.discovery ?? engineDiscovery(docker, paths.home);
  const remote = settings.checkBinds();
  if (remote.length > 0) log.warn(`listening on ${remote.join(', ')}: every workspace is reachable from the network`);

  const upstream = new UpstreamChoice(() => settings.upstream(), log);
  const table = new RouteTable(upstream.mode());
  const pools = new UpstreamPools(options.upstreamHeadersTimeoutMs);
  let sync: RouteSync | undefined;
  const urlScheme = trackedUrlScheme(paths.home);
  const dashboard = createDashboard({
    home: paths.home,
    stateDir: paths.state,
    table,
    engine: docker,
    engineConnected: () => sync?.connected ?? false,
    log,
    jsonSummary: (port) => renderPage({ kind: 'dashboard' }, { port, workspaces: table.workspaces(), scheme: urlScheme() }, true),
    urlScheme,
  });
  const idle: IdleSleep = createIdleSleep({ home: paths.home, stateDir: paths.state, table, discovery, engine: docker, log, minuteMs: options.idleMinuteMs });
  const deps = {
    wake: idle.wake,
    dashboard,
    table,
    pools,
    domains: () => settings.domains(),
    https443: () => settings.https443(),
    urlScheme,
    log,
    logRequests: options.logRequests ?? false,
  };
  const handler = createRequestHandler(deps);
  // HTTPS and h2 on every port (proxy/tls/); plain HTTP only if dual's CA cannot be made.
  const tls = await startProxyTls({ home: paths.home, deps, onRequest: handler.onRequest, idleTimeoutMs: () => settings.headersTimeoutMs(), log });
  const createServer = () => {
    const server = createProxyServer(handler, { headersTimeoutMs: settings.headersTimeoutMs(), keepAliveTimeoutMs: 5_000 }, log);
    tls?.attach(server);
    return server;
  };
  const ports = new ProxyPorts(
    createServer,
    { pinned: () => settings.pinnedPorts(), declared: () => table.declaredPorts(), https443: () => settings.https443(), bind: () => settings.bind() },
    log,
    options.onPortsChanged,
  );

  const upstreamChanged = () => pools.retain(table.liveOrigins());
  sync = new RouteSync(discovery, table, {
    changed: () => {
      idle.routesChanged();
      upstreamChanged();
      dashboard.routesChanged();
      void ports.reconcile();
      void upstream.probeBridge(table, upstreamChanged);
    },
    info: (message, fields) => log.info(message, fields),
    warn: (message, fields) => log.warn(message, fields),
  });

  await upstream.detectDockerDesktop(discovery);
  table.setUpstreamMode(upstream.mode());
  log.info(`upstream mode: ${table.upstreamMode}`, { setting: settings.upstream() });
  await sync.start();
  await ports.reconcile();

  const stop = async () => {
    sync.stop();
    idle.close();
    dashboard.close();
    await ports.close();
    await pools.closeAll();
    docker.close();
  };
  const pinnedFailure = ports.pinnedFailure();
  if (pinnedFailure) {
    await stop();
    throw pinnedFailure;
  }

  // Live settings: chokidar watches config.json (loaded lazily; the proxy is long-lived anyway).
  const applyChange = (change: SettingsChange) => {
    if (change.upstream) {
      upstream.settingChanged();
      table.setUpstreamMode(upstream.mode());
      upstreamChanged();
      log.info(`upstream mode: ${table.upstreamMode}`);
    }
    if (change.bindRefused) log.error(`ignoring proxy.bind from ${paths.config}: ${change.bindRefused}`);
    void (change.listeners ? ports.reopen() : ports.reconcile());
  };
  const watcher = (options.watchConfig ?? true) ? (await import('./settings-watch.js')).watchSettings(paths.config, log, (next) => applyChange(settings.apply(next))) : undefined;

  return {
    table,
    idle,
    sync,
    ports: () => ports.ports(),
    problems: () => ports.problems(),
    upstreamMode: () => table.upstreamMode,
    bind: () => [...settings.bind()],
    settled: () => ports.reconcile(),
    close: async () => {
      await watcher?.close();
      await stop();
    },
  };
}
