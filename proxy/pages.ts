import type { UpstreamMode, WorkspaceView } from './route-table.js';
import { workspaceUrl } from '../src/model/workspace.js';

/**
 * Every answer the proxy writes itself: the dashboard and the error pages. Pure: a page
 * description in, status + body out, HTML for browsers and JSON when the client asks.
 * Each error says what happened and the command that fixes it.
 */
export type Page =
  | { kind: 'dashboard' }
  | { kind: 'unknown-workspace'; id: string }
  | { kind: 'port-not-served'; workspace: WorkspaceView }
  | { kind: 'stopped'; workspace: WorkspaceView }
  | { kind: 'no-address'; workspace: WorkspaceView; mode: UpstreamMode }
  | { kind: 'nothing-listening'; workspace: WorkspaceView; detail: string }
  | { kind: 'upstream-failed'; workspace: WorkspaceView; detail: string }
  | { kind: 'upstream-timeout'; workspace: WorkspaceView }
  | { kind: 'upgrade-refused'; workspace: WorkspaceView; answer: string }
  | { kind: 'waking'; workspace: WorkspaceView }
  | { kind: 'sleeping'; workspace: WorkspaceView }
  | { kind: 'wake-failed'; workspace: WorkspaceView; detail: string }
  | { kind: 'host-refused' }
  | { kind: 'host-missing' };

export interface PageContext {
  /** The port the client connected to: every link stays on it. */
  port: number;
  workspaces: readonly WorkspaceView[];
  /** Of the workspace links: `https` once the CA is trusted (url-scheme.ts); http by default. */
  scheme?: 'http' | 'https';
}

export interface RenderedPage {
  status: number;
  /** Sent as `x-dual-page`: tells the proxy's own pages from the dev server's answers. */
  code: string;
  contentType: string;
  body: string;
}

/** Pages that end by themselves once the dev server answers (or the workspace is started). */
const WAITING = new Set(['nothing-listening', 'workspace-stopped', 'waking']);

interface PageText {
  status: number;
  code: string;
  title: string;
  message: string;
  hint?: string;
}

function describe(page: Exclude<Page, { kind: 'dashboard' | 'host-refused' | 'host-missing' }>, port: number, scheme?: 'http' | 'https'): PageText {
  switch (page.kind) {
    case 'unknown-workspace':
      return {
        status: 404,
        code: 'unknown-workspace',
        title: 'No such workspace',
        message: `There is no workspace named '${page.id}'.`,
        hint: 'Create it with `dual create <repo> <branch>`, or pick one of the live workspaces below.',
      };
    case 'port-not-served':
      return {
        status: 404,
        code: 'port-not-served',
        title: 'Port not served',
        message: `Workspace '${page.workspace.id}' does not serve port ${port}; it serves ${page.workspace.main.ports.join(', ') || 'no ports'}.`,
        hint: `Use ${page.workspace.main.ports.map((p) => workspaceUrl(page.workspace.id, p, scheme)).join(' ')}, or add ${port} to "ports" in the repo's .dual.json and re-create the workspace.`,
      };
    case 'stopped':
      return {
        status: 503,
        code: 'workspace-stopped',
        title: 'Workspace stopped',
        message: `Workspace '${page.workspace.id}' is ${page.workspace.main.state}.`,
        hint: `Start it with \`dual start ${page.workspace.id}\`.`,
      };
    case 'waking':
      return {
        status: 503,
        code: 'waking',
        title: `Waking ${page.workspace.id}`,
        message: `Workspace '${page.workspace.id}' was put to sleep while idle; it is starting now.`,
        hint: `Follow it with \`dual logs ${page.workspace.id} -f\`.`,
      };
    case 'sleeping':
      return {
        status: 503,
        code: 'sleeping',
        title: 'Workspace sleeping',
        message: `Workspace '${page.workspace.id}' was put to sleep while idle. A request from another site does not wake it.`,
        hint: `Open ${workspaceUrl(page.workspace.id, port)} directly, or run \`dual start ${page.workspace.id}\`.`,
      };
    case 'wake-failed':
      return {
        status: 503,
        code: 'wake-failed',
        title: 'Could not wake the workspace',
        message: `Workspace '${page.workspace.id}' was asleep and did not start: ${page.detail}`,
        hint: `See \`dual logs ${page.workspace.id}\`, then \`dual start ${page.workspace.id}\`.`,
      };
    case 'no-address':
      return {
        status: 502,
        code: 'no-upstream-address',
        title: 'No address for the workspace',
        message:
          page.mode === 'bridge'
            ? `Workspace '${page.workspace.id}' has no bridge IP address.`
            : `Workspace '${page.workspace.id}' does not publish port ${port} on 127.0.0.1.`,
        hint: `Re-create the workspace, or set proxy.upstream to "${page.mode === 'bridge' ? 'published' : 'bridge'}" in dual's config.json.`,
      };
    case 'nothing-listening':
      return {
        status: 502,
        code: 'nothing-listening',
        title: 'Nothing is listening',
        message: `Nothing is listening on port ${port} in workspace '${page.workspace.id}' (${page.detail}).`,
        hint: `Start your dev server there, e.g. \`dual exec ${page.workspace.id} -- npm run dev\`, and make it listen on 0.0.0.0:${port}.`,
      };
    case 'upstream-timeout':
      return {
        status: 504,
        code: 'upstream-timeout',
        title: 'No answer',
        message: `Workspace '${page.workspace.id}' port ${port} accepted the request but did not start answering in time.`,
        hint: `See its logs with \`dual logs ${page.workspace.id}\`.`,
      };
    case 'upstream-failed':
      return {
        status: 502,
        code: 'upstream-failed',
        title: 'Bad gateway',
        message: `Workspace '${page.workspace.id}' port ${port} failed to answer (${page.detail}).`,
        hint: `See its logs with \`dual logs ${page.workspace.id}\`.`,
      };
    case 'upgrade-refused':
      return {
        status: 502,
        code: 'upgrade-refused',
        title: 'WebSocket refused',
        message: `Workspace '${page.workspace.id}' port ${port} refused the WebSocket upgrade without an HTTP answer; it said: ${page.answer}`,
        hint: page.workspace.main.hostRewrite
          ? `See its logs with \`dual logs ${page.workspace.id}\`.`
          : `A dev server that checks Origin (Next.js) refuses hosts it does not know: set "hostHeader": "localhost" in the repo's .dual.json, then \`dual restart ${page.workspace.id}\`.`,
      };
  }
}

/**
 * A refused Host is what a DNS-rebinding page sends (its own name, resolved to 127.0.0.1),
 * and it can read the answer. So the answer is fixed: the same bytes for every request and
 * every Accept, naming nothing about this installation (no workspaces, paths or echoed host).
 * A request without Host gets the same treatment: nothing dual knows is worth telling it.
 */
export const HOST_REFUSED_PAGE: RenderedPage = Object.freeze({
  status: 403,
  code: 'host-refused',
  contentType: 'text/plain; charset=utf-8',
  body: "dual serves only localhost and *.localhost (DNS-rebinding protection); to serve another domain, add it to proxy.domains in dual's config.json\n",
});

const HOST_MISSING_PAGE: RenderedPage = Object.freeze({
  status: 400,
  code: 'host-missing',
  contentType: 'text/plain; charset=utf-8',
  body: 'no Host header: send Host: <workspace>.localhost\n',
});

function workspaceSummary(view: WorkspaceView, port: number, scheme: 'http' | 'https' = 'http') {
  return {
    id: view.id,
    repo: view.main.repo,
    branch: view.main.branch,
    state: view.main.state,
    ports: view.main.ports,
    url: workspaceUrl(view.id, view.main.ports.includes(port) ? port : (view.main.ports[0] ?? port), scheme),
    urls: view.main.ports.map((p) => workspaceUrl(view.id, p, scheme)),
    attached: view.attached.map((a) => ({ name: a.attached, state: a.state })),
  };
}

export function renderPage(page: Page, context: PageContext, wantsJson: boolean): RenderedPage {
  if (page.kind === 'host-refused') return HOST_REFUSED_PAGE;
  if (page.kind === 'host-missing') return HOST_MISSING_PAGE;
  const workspaces = context.workspaces.map((w) => workspaceSummary(w, context.port, context.scheme));
  if (page.kind === 'dashboard') {
    if (wantsJson) return json(200, 'dashboard', { workspaces });
    return html(200, 'dashboard', 'dual', `<h1>dual</h1>${workspaceTable(workspaces)}`);
  }
  const text = describe(page, context.port, context.scheme);
  if (wantsJson) {
    return json(text.status, text.code, { error: text.code, message: text.message, hint: text.hint, workspaces });
  }
  const live = page.kind === 'unknown-workspace' ? `<h2>Live workspaces</h2>${workspaceTable(workspaces)}` : '';
  const hint = text.hint ? `<p class="hint">${escapeHtml(text.hint)}</p>` : '';
  const waiting = WAITING.has(text.code);
  const note = waiting ? '<p class="note">This page reloads itself as soon as the server answers.</p>' : '';
  const body = `<h1>${escapeHtml(text.title)}</h1><p>${escapeHtml(text.message)}</p>${hint}${note}${waiting ? reloadScript(text.code) : ''}${live}`;
  return html(text.status, text.code, text.title, body);
}

/**
 * Polls the same URL once a second and reloads as soon as the answer is no longer this
 * page (the dev server answered, whatever its status), so a browser left on the 502 while
 * `npm run dev` starts shows the app without the user pressing reload. HEAD: nothing is
 * rendered twice, and the proxy tells its own pages apart by `x-dual-page`.
 */
function reloadScript(code: string): string {
  return (
    `<script>(function(){var c=${JSON.stringify(code)};function poll(){fetch(location.href,{method:'HEAD',cache:'no-store'})` +
    `.then(function(r){if(r.headers.get('x-dual-page')!==c)location.reload();else setTimeout(poll,1000)},function(){setTimeout(poll,2000)})}` +
    `setTimeout(poll,1000)})();</script>`
  );
}

function workspaceTable(workspaces: ReturnType<typeof workspaceSummary>[]): string {
  if (workspaces.length === 0) return '<p>No workspaces yet. Create one with <code>dual create &lt;repo&gt; &lt;branch&gt;</code>.</p>';
  const rows = workspaces
    .map((w) => {
      const links = w.urls.map((u) => `<a href="${escapeHtml(u)}">${escapeHtml(u)}</a>`).join('<br>');
      const attached = w.attached.map((a) => `${escapeHtml(a.name ?? '')} (${escapeHtml(a.state)})`).join(', ');
      return `<tr><td>${escapeHtml(w.id)}</td><td>${escapeHtml(w.branch)}</td><td>${escapeHtml(w.state)}</td><td>${links}</td><td>${attached}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th>workspace</th><th>branch</th><th>state</th><th>urls</th><th>attached</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const STYLE =
  'body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}' +
  'code{background:#f3f3f3;padding:0 .2em}.note{color:#666}.hint{background:#f6f8fa;border-left:3px solid #888;padding:.5rem 1rem}' +
  'table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3rem .8rem;text-align:left;vertical-align:top}';

function html(status: number, code: string, title: string, body: string): RenderedPage {
  return {
    status,
    code,
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>\n`,
  };
}

function json(status: number, code: string, value: unknown): RenderedPage {
  return { status, code, contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(value)}\n` };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON when the client prefers it (fetch from scripts, `curl -H 'Accept: application/json'`). */
export function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const json = accept.indexOf('application/json');
  if (json < 0) return false;
  const htmlIndex = accept.indexOf('text/html');
  return htmlIndex < 0 || json < htmlIndex;
}
