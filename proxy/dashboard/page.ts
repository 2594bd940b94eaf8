import { createHash } from 'node:crypto';
import { escapeHtml } from '../pages.js';
import { dashboardApp } from './client/app.js';
import { DASHBOARD_STYLE } from './client/style.js';
import { pageHeaders } from './headers.js';

/**
 * The dashboard page: one HTML document with its stylesheet and script inline, no build step
 * at run time and nothing fetched from elsewhere. The CSP allows exactly these two inline
 * blocks by their sha256, so an injected `<script>` or `onerror=` would not run even if some
 * data ever reached the markup. The token is the only per-installation part, in a meta tag.
 */
const SCRIPT = `(${dashboardApp.toString()})();`;
const SCRIPT_HASH = `sha256-${createHash('sha256').update(SCRIPT).digest('base64')}`;
const STYLE_HASH = `sha256-${createHash('sha256').update(DASHBOARD_STYLE).digest('base64')}`;

const STATE_OPTIONS: Array<[string, string]> = [
  ['all', 'All states'],
  ['running', 'Running'],
  ['serving', 'Serving'],
  ['not-listening', 'Nothing listening'],
  ['partly-serving', 'Partly serving'],
  ['setting-up', 'Setting up'],
  ['setup-failed', 'Setup failed'],
  ['stopped', 'Stopped'],
  ['sleeping', 'Sleeping'],
];
const SORT_OPTIONS: Array<[string, string]> = [
  ['name', 'Name'],
  ['status', 'State (problems first)'],
  ['commit', 'Last commit'],
  ['cpu', 'CPU'],
  ['memory', 'Memory'],
];

const options = (list: Array<[string, string]>) => list.map(([value, label]) => `<option value="${value}">${label}</option>`).join('');

export function dashboardPage(token: string): { headers: Record<string, string>; body: string } {
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="dual-token" content="${escapeHtml(token)}">
<title>dual</title>
<link rel="icon" href="data:,">
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<header class="top">
  <h1>dual <span>workspaces</span></h1>
  <div class="summary" id="summary" aria-live="polite"></div>
  <div class="live" id="live" data-live="no" role="status">connecting…</div>
</header>
<div class="controls" role="search">
  <label>Filter <input type="search" id="filter" placeholder="repo, branch or id" autocomplete="off"></label>
  <label>Show <select id="state-filter">${options(STATE_OPTIONS)}</select></label>
  <label>Sort by <select id="sort">${options(SORT_OPTIONS)}</select></label>
  <span class="shown" id="shown" aria-live="polite"></span>
</div>
<main id="workspaces"><p class="empty">Loading…</p></main>
<section id="logs" hidden aria-labelledby="logs-title">
  <header>
    <h2 id="logs-title">Logs</h2>
    <span id="log-state" role="status"></span>
    <label><input type="checkbox" id="log-follow" checked> follow</label>
    <button type="button" id="log-clear">Clear</button>
    <button type="button" id="log-close">Close <span class="visually-hidden">logs</span></button>
  </header>
  <pre id="log-output" tabindex="0" aria-label="log output"></pre>
</section>
<dialog id="confirm" aria-labelledby="confirm-title">
  <h2 id="confirm-title"></h2>
  <p id="confirm-text"></p>
  <p class="refusal" id="confirm-refusal" role="alert" hidden></p>
  <label id="confirm-typed-label" hidden>Type the workspace id to confirm <input id="confirm-typed" autocomplete="off" spellcheck="false"></label>
  <div class="buttons">
    <button type="button" id="confirm-cancel">Cancel</button>
    <button type="button" class="confirm" id="confirm-ok">Destroy</button>
  </div>
</dialog>
<div id="toasts"></div>
<script>${SCRIPT}</script>
</body>
</html>
`;
  return { headers: { ...pageHeaders(SCRIPT_HASH, STYLE_HASH), 'content-length': String(Buffer.byteLength(body)) }, body };
}
