import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { forwardHttp, type ForwardFailure } from './forward-http.js';
import { forwardUpgrade, type UpgradeFailure } from './forward-upgrade.js';
import { isServerWideOptions, normalizeRequestTarget } from './request-target.js';
import { classifyHost } from './host.js';
import { endAndClose } from './socket-close.js';
import type { ProxyLog } from './log.js';
import { renderPage, wantsJson, type Page, type RenderedPage } from './pages.js';
import type { RouteTable, Upstream, WorkspaceView } from './route-table.js';
import type { UpstreamPools } from './upstream-pools.js';
import { gate, type WakeDeps } from './wake/wake-gate.js';

export interface HandlerDeps {
  table: RouteTable;
  pools: UpstreamPools;
  /** Read per request: a config change applies at once. */
  domains(): readonly string[];
  /** `proxy.https443`: a request on port 443 goes to the workspace's first port. */
  https443?(): boolean;
  log: ProxyLog;
  /** One log line per request (--verbose). */
  logRequests: boolean;
  /** Scheme of the workspace links on pages: `https` once the CA is trusted (url-scheme.ts). */
  urlScheme?(): 'http' | 'https';
  /** Serves localhost:<port>/ and its API (proxy/dashboard/); without it the dashboard is the static summary page. */
  dashboard?: { handle(req: IncomingMessage, res: ServerResponse): void };
  /** Idle sleep: requests count as use, and a request to a sleeping workspace wakes it (proxy/wake/). */
  wake?: WakeDeps;
}

type Decision = { kind: 'page'; page: Page } | { kind: 'forward'; workspace: WorkspaceView; upstream: Upstream };

/** The workspace a request is for, when it is one the proxy routes (served, or stopped). */
function workspaceOf(decision: Decision): WorkspaceView | undefined {
  if (decision.kind === 'forward') return decision.workspace;
  return decision.page.kind === 'stopped' ? decision.page.workspace : undefined;
}

/**
 * The request path as a pipeline of small passes: Host check -> dashboard -> route lookup
 * -> forward. Every outcome but "forward" is a page from pages.ts. Nothing here throws:
 * a failure becomes a page, or a cut connection once the answer has begun.
 */
export function decide(deps: HandlerDeps, hostHeader: string | undefined, port: number): Decision {
  const target = classifyHost(hostHeader, deps.domains());
  switch (target.kind) {
    case 'missing':
      return { kind: 'page', page: { kind: 'host-missing' } };
    case 'refused':
      return { kind: 'page', page: { kind: 'host-refused' } };
    case 'dashboard':
      return { kind: 'page', page: { kind: 'dashboard' } };
    case 'workspace': {
      let resolution = deps.table.resolve(target.id, port);
      if (resolution.kind === 'port-not-served' && port === 443 && deps.https443?.()) {
        resolution = deps.table.resolve(target.id, resolution.workspace.main.ports[0] ?? port);
      }
      switch (resolution.kind) {
        case 'unknown':
          return { kind: 'page', page: { kind: 'unknown-workspace', id: target.id } };
        case 'route':
          return { kind: 'forward', workspace: resolution.workspace, upstream: resolution.upstream };
        case 'no-address':
          return { kind: 'page', page: { kind: 'no-address', workspace: resolution.workspace, mode: resolution.mode } };
        default:
          return { kind: 'page', page: { kind: resolution.kind, workspace: resolution.workspace } };
      }
    }
  }
}

export function createRequestHandler(deps: HandlerDeps) {
  const render = (page: Page, port: number, accept: string | undefined): RenderedPage =>
    renderPage(page, { port, workspaces: deps.table.workspaces(), scheme: deps.urlScheme?.() }, wantsJson(accept));

  const sendPage = (res: ServerResponse, page: Page, port: number, accept: string | undefined) => {
    if (res.headersSent || res.destroyed) return;
    const rendered = render(page, port, accept);
    res.writeHead(rendered.status, {
      'content-type': rendered.contentType,
      'content-length': Buffer.byteLength(rendered.body),
      'cache-control': 'no-store',
      'x-dual-page': rendered.code,
      // A page is what it says it is: never sniffed into script or HTML by a browser.
      'x-content-type-options': 'nosniff',
    });
    res.end(rendered.body);
  };

  const failurePage = (failure: Extract<ForwardFailure, { kind: 'upstream-before-response' }>, workspace: WorkspaceView): Page => {
    const code = (failure.error as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return { kind: 'nothing-listening', workspace, detail: 'connection refused' };
    if (code === 'UND_ERR_HEADERS_TIMEOUT') return { kind: 'upstream-timeout', workspace };
    return { kind: 'upstream-failed', workspace, detail: code ?? failure.error.message };
  };

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const port = req.socket.localPort ?? 0;
    const started = deps.logRequests ? performance.now() : 0;
    if (deps.logRequests) {
      res.once('finish', () =>
        deps.log.info(`${req.method} ${req.headers.host ?? ''}${req.url} ${res.statusCode}`, { ms: Math.round(performance.now() - started) }),
      );
    }
    try {
      normalizeRequestTarget(req);
      if (isServerWideOptions(req)) {
        req.resume();
        res.writeHead(204, { allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' });
        res.end();
        return;
      }
      const decision = decide(deps, req.headers.host, port);
      if (decision.kind === 'page' && decision.page.kind === 'dashboard' && deps.dashboard) {
        deps.dashboard.handle(req, res);
        return;
      }
      const view = deps.wake ? workspaceOf(decision) : undefined;
      if (deps.wake && view) {
        res.once('close', deps.wake.tracker.begin(view.id));
        const verdict = gate(deps.wake, view, req.headers, req.method);
        if (verdict.kind === 'page') return answerWith(req, res, { kind: 'page', page: verdict.page }, port);
        if (verdict.kind === 'hold') {
          // Held until the workspace serves (or the bound): then routed afresh, as if it had just arrived.
          void verdict.done.then((page) => answerWith(req, res, page ? { kind: 'page', page } : decide(deps, req.headers.host, port), port));
          return;
        }
      }
      answerWith(req, res, decision, port);
    } catch (error) {
      internalError(res, error);
    }
  }

  function answerWith(req: IncomingMessage, res: ServerResponse, decision: Decision, port: number): void {
    if (res.destroyed) return;
    try {
      if (decision.kind === 'page') {
        // A request body nobody reads must still be drained, or the keep-alive connection stalls.
        req.resume();
        sendPage(res, decision.page, port, req.headers.accept);
        return;
      }
      const { workspace, upstream } = decision;
      forwardHttp(deps.pools.get(upstream.origin), req, res, {
        upstream,
        port,
        rewriteHost: workspace.main.hostRewrite,
        domains: deps.domains(),
        onFailure: (failure) => {
          if (failure.kind === 'client-gone') {
            deps.log.debug('client went away before the answer ended', { workspace: workspace.id, url: req.url });
          } else if (failure.kind === 'upstream-mid-response') {
            deps.log.warn('upstream failed mid-response; cut the client connection', { workspace: workspace.id, port, error: String(failure.error) });
          } else {
            deps.log.debug('upstream failed before answering', { workspace: workspace.id, port, error: String(failure.error) });
            req.resume();
            sendPage(res, failurePage(failure, workspace), port, req.headers.accept);
          }
        },
      });
    } catch (error) {
      internalError(res, error);
    }
  }

  function internalError(res: ServerResponse, error: unknown): void {
    // A bug, not a user error: log it, answer 500 if we still can, keep serving.
    deps.log.error('request handler failed', { error: String(error), stack: (error as Error).stack });
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('dual proxy: internal error; see the proxy log\n');
    } else {
      res.destroy();
    }
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const port = (socket as { localPort?: number }).localPort ?? 0;
    try {
      normalizeRequestTarget(req);
      const decision = decide(deps, req.headers.host, port);
      const view = deps.wake ? workspaceOf(decision) : undefined;
      if (deps.wake && view) {
        socket.once('close', deps.wake.tracker.begin(view.id));
        const verdict = gate(deps.wake, view, req.headers, req.method);
        // An upgrade is never held: the wake has begun, and the client (an HMR socket) reconnects.
        if (verdict.kind !== 'pass') {
          writeRawPage(socket, render(verdict.kind === 'page' ? verdict.page : { kind: 'waking', workspace: view }, port, req.headers.accept));
          return;
        }
      }
      if (decision.kind === 'page') {
        writeRawPage(socket, render(decision.page, port, req.headers.accept));
        return;
      }
      const { workspace, upstream } = decision;
      forwardUpgrade(req, socket, head, upgradeRoute(deps, workspace, upstream, port, (page) => writeRawPage(socket, render(page, port, req.headers.accept))));
    } catch (error) {
      deps.log.error('upgrade handler failed', { error: String(error) });
      socket.destroy();
    }
  }

  return { onRequest, onUpgrade };
}

/** Where a WebSocket upgrade goes; a failure becomes a page for `answer`. */
function upgradeRoute(deps: HandlerDeps, workspace: WorkspaceView, upstream: Upstream, port: number, answer: (page: Page) => void) {
  return {
    upstream,
    port,
    rewriteHost: workspace.main.hostRewrite,
    domains: deps.domains(),
    onFailure: (failure: UpgradeFailure) => answer(upgradeFailurePage(failure, workspace, port, deps.log)),
  };
}

/** One page per upgrade failure. */
function upgradeFailurePage(failure: UpgradeFailure, workspace: WorkspaceView, port: number, log: ProxyLog): Page {
  if (failure.kind === 'not-http') {
    log.warn('upstream refused a WebSocket upgrade without an HTTP answer', { workspace: workspace.id, port, answer: failure.answer });
    return { kind: 'upgrade-refused', workspace, answer: failure.answer };
  }
  return failure.error.code === 'ECONNREFUSED'
    ? { kind: 'nothing-listening', workspace, detail: 'connection refused' }
    : { kind: 'upstream-failed', workspace, detail: failure.error.code ?? failure.error.message };
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

/** An upgrade request has no ServerResponse: the page is written on the raw socket. */
function writeRawPage(socket: Duplex, page: RenderedPage): void {
  if (!socket.writable) return;
  const body = Buffer.from(page.body);
  endAndClose(
    socket,
    `HTTP/1.1 ${page.status} ${STATUS_TEXT[page.status] ?? 'Error'}\r\ncontent-type: ${page.contentType}\r\n` +
      `content-length: ${body.length}\r\ncache-control: no-store\r\nx-dual-page: ${page.code}\r\nx-content-type-options: nosniff\r\n` +
      `connection: close\r\n\r\n${page.body}`,
  );
}
