import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Git } from '../../src/adapters/git/git.js';
import type { ProxyLog } from '../log.js';
import { wantsJson } from '../pages.js';
import type { RouteTable } from '../route-table.js';
import { ActionRunner, isAction, REQUEST_ID } from './actions.js';
import type { DashboardEngine } from './engine.js';
import { API_HEADERS } from './headers.js';
import { LiveModel } from './live-model.js';
import { parseTail, streamLogs } from './log-stream.js';
import { dashboardPage } from './page.js';
import { checkApiRequest, TOKEN_HEADER } from './request-guard.js';
import { openEventStream } from './sse.js';
import { loadOrCreateToken, tokenFile } from './token.js';

export interface DashboardDeps {
  home: string;
  stateDir: string;
  table: RouteTable;
  engineConnected(): boolean;
  log: ProxyLog;
  /** The JSON answer `curl -H 'Accept: application/json' localhost:<port>/` has always had. */
  jsonSummary(port: number): { status: number; contentType: string; body: string };
  /** Of the workspace links: `https` once the CA is trusted (proxy/url-scheme.ts). */
  urlScheme?(): 'http' | 'https';
  engine: DashboardEngine;
}

export interface Dashboard {
  /** Serves a request whose Host was accepted as the dashboard's (localhost, dual.localhost, loopback IPs). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  routesChanged(): void;
  close(): void;
}

const MAX_BODY = 4 * 1024;
const ACTION_PATH = /^\/api\/workspaces\/([a-z0-9-]{1,63})\/([a-z]+)$/;

/**
 * The dashboard's HTTP surface, on every port the proxy listens on:
 *   GET  /                               the page (HTML; JSON summary for `Accept: application/json`)
 *   GET  /api/events                     server-sent `snapshot` events: the whole picture, on every change
 *   GET  /api/snapshot                   the same picture once, as JSON
 *   GET  /api/logs?workspace=&attached=&tail=   a container's output, followed (SSE)
 *   POST /api/workspaces/<id>/<action>   start | stop | restart | destroy; body {"requestId", "force"}; 202, outcome in the snapshot
 * Everything under /api needs the token and, for POST, the dashboard's own Origin (request-guard.ts).
 */
export function createDashboard(deps: DashboardDeps): Dashboard {
  const token = loadOrCreateToken(tokenFile(deps.stateDir));
  let git: Promise<Pick<Git, 'worktreeSummary'>> | undefined;
  // Outcomes travel in the snapshot (see actions.ts); the model is made just below.
  const actions = new ActionRunner(deps.home, () => model.changed());
  const model: LiveModel = new LiveModel({
    table: deps.table,
    stateDir: deps.stateDir,
    engineConnected: deps.engineConnected,
    git: () => (git ??= import('../../src/adapters/git/simple-git-adapter.js').then((m) => new m.SimpleGitAdapter())),
    engine: async () => deps.engine,
    actions: () => actions.recent(),
    log: deps.log,
    urlScheme: deps.urlScheme,
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith('/api/')) {
      req.resume();
      if (method !== 'GET' && method !== 'HEAD') return reply(res, 405, { error: 'the dashboard page is read-only; actions are POSTs to /api' });
      if (url.pathname !== '/') return reply(res, 404, { error: 'no such page; the dashboard is at /' });
      if (wantsJson(req.headers.accept)) {
        const summary = deps.jsonSummary(req.socket.localPort ?? 0);
        res.writeHead(summary.status, { ...API_HEADERS, 'content-type': summary.contentType });
        res.end(summary.body);
        return;
      }
      const page = dashboardPage(token);
      res.writeHead(200, page.headers);
      res.end(page.body);
      return;
    }

    const verdict = checkApiRequest(
      {
        method,
        host: req.headers.host ?? '',
        origin: req.headers.origin,
        secFetchSite: header(req, 'sec-fetch-site'),
        token: header(req, TOKEN_HEADER),
        encrypted: Boolean((req.socket as TLSSocket).encrypted),
      },
      token,
    );
    if (!verdict.ok) {
      req.resume();
      deps.log.warn('dashboard request refused', { method, path: url.pathname, reason: verdict.reason });
      return reply(res, 403, { error: `forbidden: ${verdict.reason}` });
    }

    if (method === 'GET' && url.pathname === '/api/events') {
      req.resume();
      let unsubscribe: (() => void) | undefined;
      const events = openEventStream(res, () => unsubscribe?.());
      unsubscribe = model.subscribe((json) => events.sendJson('snapshot', json));
      return;
    }
    if (method === 'GET' && url.pathname === '/api/snapshot') {
      req.resume();
      return reply(res, 200, model.snapshot());
    }
    if (method === 'GET' && url.pathname === '/api/logs') {
      req.resume();
      const containerId = findContainer(url.searchParams.get('workspace'), url.searchParams.get('attached'));
      if (!containerId) return reply(res, 404, { error: 'no such workspace or attached container' });
      return streamLogs(res, deps.engine, containerId, parseTail(url.searchParams.get('tail')));
    }
    const action = ACTION_PATH.exec(url.pathname);
    if (method === 'POST' && action) {
      void runAction(req, res, action[1]!, action[2]!);
      return;
    }
    req.resume();
    reply(res, method === 'POST' || method === 'GET' ? 404 : 405, { error: `no ${method} ${url.pathname}` });
  }

  function findContainer(id: string | null, attached: string | null): string | undefined {
    const view = id ? deps.table.workspace(id) : undefined;
    if (!view) return undefined;
    if (!attached) return view.main.containerId;
    return view.attached.find((a) => a.attached === attached)?.containerId;
  }

  async function runAction(req: IncomingMessage, res: ServerResponse, id: string, name: string): Promise<void> {
    if (!isAction(name)) {
      req.resume();
      return reply(res, 404, { error: `unknown action '${name}'; one of start, stop, restart, destroy` });
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      req.resume();
      return reply(res, 415, { error: 'send the action as application/json' });
    }
    let body: { force?: unknown; requestId?: unknown };
    try {
      body = JSON.parse((await readBody(req)) || '{}') as typeof body;
    } catch {
      return reply(res, 400, { error: 'the body is not JSON' });
    }
    if (typeof body.requestId !== 'string' || !REQUEST_ID.test(body.requestId)) {
      return reply(res, 400, { error: 'send a requestId (8-64 lowercase letters, digits, dashes)' });
    }
    // Checked against the route table: the id is a workspace dual knows, never an option or a path.
    if (!deps.table.workspace(id)) return reply(res, 404, { error: `no workspace '${id}'` });
    const force = body.force === true;
    const known = actions.recent().some((a) => a.requestId === body.requestId);
    if (!known) deps.log.info(`dashboard: ${name} ${id}${force ? ' --force' : ''}`);
    reply(res, 202, actions.submit(body.requestId, name, id, force));
  }

  return {
    handle(req, res) {
      try {
        handle(req, res);
      } catch (error) {
        deps.log.error('dashboard request failed', { error: String(error), stack: (error as Error).stack });
        if (!res.headersSent) reply(res, 500, { error: 'internal error; see the proxy log' });
        else res.destroy();
      }
    },
    routesChanged: () => model.routesChanged(),
    close: () => model.close(),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function reply(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const body = `${JSON.stringify(value)}\n`;
  res.writeHead(status, { ...API_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        req.destroy();
        reject(new Error('body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}
