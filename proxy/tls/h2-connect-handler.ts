import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { renderPage, wantsJson, type Page } from '../pages.js';
import { decide, upgradeRoute, type HandlerDeps } from '../request-handler.js';
import { forwardH2WebSocket } from './h2-websocket.js';

/**
 * Extended CONNECT streams (WebSocket over h2) take the same decision as every request:
 * Host check, route, then the tunnel, or the page the request path would have answered.
 */
export function createExtendedConnectHandler(deps: HandlerDeps) {
  const sendPage = (res: Http2ServerResponse, page: Page, port: number, accept: string | undefined) => {
    if (res.headersSent || res.stream.destroyed) return;
    const rendered = renderPage(page, { port, workspaces: deps.table.workspaces(), scheme: deps.urlScheme?.() }, wantsJson(accept));
    res.writeHead(rendered.status, {
      'content-type': rendered.contentType,
      'cache-control': 'no-store',
      'x-dual-page': rendered.code,
      'x-content-type-options': 'nosniff',
    });
    res.end(rendered.body);
  };

  return (req: Http2ServerRequest, res: Http2ServerResponse): void => {
    const port = req.socket.localPort ?? 0;
    try {
      const decision = decide(deps, req.headers.host, port);
      if (decision.kind === 'page') return sendPage(res, decision.page, port, req.headers.accept);
      const { workspace, upstream } = decision;
      if (deps.logRequests) deps.log.info(`WebSocket over h2 ${req.headers.host ?? ''}${req.url}`, { workspace: workspace.id });
      forwardH2WebSocket(req, upgradeRoute(deps, workspace, upstream, port, (page) => sendPage(res, page, port, req.headers.accept)));
    } catch (error) {
      deps.log.error('extended CONNECT handler failed', { error: String(error) });
      res.stream.close();
    }
  };
}
