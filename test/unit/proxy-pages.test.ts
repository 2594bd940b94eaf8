import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTrustRecord } from '../../src/adapters/tls/trust-record.js';
import { trackedUrlScheme } from '../../proxy/url-scheme.js';
import type { ContainerRecord } from '../../proxy/container-record.js';
import { escapeHtml, HOST_REFUSED_PAGE, renderPage, wantsJson } from '../../proxy/pages.js';
import type { WorkspaceView } from '../../proxy/route-table.js';

const main: ContainerRecord = {
  containerId: 'c1', workspace: 'shop-main', name: 'dual-shop-main', state: 'running', repo: 'shop', branch: 'main',
  worktree: '/w', ports: [3000, 5173], hostRewrite: false, bridgeIp: '172.17.0.2', published: {},
};
const view: WorkspaceView = { id: 'shop-main', main, attached: [] };
const stoppedView: WorkspaceView = { id: 'shop-x', main: { ...main, workspace: 'shop-x', state: 'exited' }, attached: [] };
const context = { port: 3000, workspaces: [view, stoppedView] };

describe('renderPage', () => {
  it('502 nothing-listening reloads itself in a browser once the answer is no longer this page', () => {
    const page = renderPage({ kind: 'nothing-listening', workspace: view, detail: 'connection refused' }, context, false);
    expect(page.code).toBe('nothing-listening');
    expect(page.body).toContain('<script>');
    expect(page.body).toContain("r.headers.get('x-dual-page')!==c");
    expect(page.body).toContain('"nothing-listening"');
    expect(page.body).toContain('reloads itself');
  });

  it('does not script pages that will not change by themselves, nor JSON answers', () => {
    expect(renderPage({ kind: 'unknown-workspace', id: 'nope' }, context, false).body).not.toContain('<script>');
    expect(renderPage({ kind: 'dashboard' }, context, false).body).not.toContain('<script>');
    const json = renderPage({ kind: 'nothing-listening', workspace: view, detail: 'connection refused' }, context, true);
    expect(json.body).not.toContain('<script>');
    expect(json.code).toBe('nothing-listening');
  });

  it('404 lists the live workspaces as links, on the port the client used', () => {
    const page = renderPage({ kind: 'unknown-workspace', id: 'nope' }, context, false);
    expect(page.status).toBe(404);
    expect(page.body).toContain("There is no workspace named &#39;nope&#39;");
    expect(page.body).toContain('<a href="http://shop-main.localhost:3000">');
    expect(page.body).toContain('<a href="http://shop-main.localhost:5173">');
  });

  it('links over https once the CA is trusted (dual trust), re-reading the trust record as it changes', () => {
    const home = mkdtempSync(join(tmpdir(), 'dual-scheme-'));
    try {
      let now = 0;
      const scheme = trackedUrlScheme(home, () => now);
      expect(scheme()).toBe('http');
      writeTrustRecord(home, { fingerprint: 'f', installs: [{ store: 'nss', location: '/x', method: 'nss' }] });
      now += 1000;
      expect(scheme()).toBe('https');
      const page = renderPage({ kind: 'unknown-workspace', id: 'nope' }, { ...context, scheme: scheme() }, false);
      expect(page.body).toContain('<a href="https://shop-main.localhost:3000">');
      const notServed = renderPage({ kind: 'port-not-served', workspace: view }, { ...context, port: 4000, scheme: 'https' }, true);
      expect(JSON.parse(notServed.body).hint).toContain('https://shop-main.localhost:5173');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('answers JSON when asked', () => {
    const page = renderPage({ kind: 'unknown-workspace', id: 'nope' }, context, true);
    expect(page.contentType).toContain('application/json');
    const body = JSON.parse(page.body) as { error: string; workspaces: Array<{ id: string; url: string; state: string }> };
    expect(body.error).toBe('unknown-workspace');
    expect(body.workspaces).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'shop-main', url: 'http://shop-main.localhost:3000', state: 'running' })]));
  });

  it('503 says the workspace is stopped and how to start it', () => {
    const page = renderPage({ kind: 'stopped', workspace: stoppedView }, context, false);
    expect(page.status).toBe(503);
    expect(page.body).toContain('dual start shop-x');
  });

  it('502 names workspace and port and suggests starting the dev server', () => {
    const page = renderPage({ kind: 'nothing-listening', workspace: view, detail: 'connection refused' }, context, false);
    expect(page.status).toBe(502);
    expect(page.body).toContain('port 3000');
    expect(page.body).toContain('dual exec shop-main -- npm run dev');
  });

  it('403 for a refused host is one fixed text, whatever the client asks, naming nothing installed', () => {
    for (const asJson of [false, true]) {
      const page = renderPage({ kind: 'host-refused' }, context, asJson);
      expect(page).toEqual(HOST_REFUSED_PAGE);
      expect(page.status).toBe(403);
      expect(page.contentType).toBe('text/plain; charset=utf-8');
      for (const secret of ['shop-main', 'shop-x', '/w', 'config.json"', '172.17']) expect(page.body).not.toContain(secret);
      expect(page.body).toContain('proxy.domains');
    }
  });

  it('the dashboard lists every workspace with its state', () => {
    const page = renderPage({ kind: 'dashboard' }, context, false);
    expect(page.status).toBe(200);
    expect(page.body).toContain('shop-x');
    expect(page.body).toContain('exited');
  });
});

describe('wantsJson', () => {
  it('follows the Accept header', () => {
    expect(wantsJson('application/json')).toBe(true);
    expect(wantsJson('text/html,application/xhtml+xml,application/json;q=0.9')).toBe(false);
    expect(wantsJson('*/*')).toBe(false);
    expect(wantsJson(undefined)).toBe(false);
  });
  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;');
  });
});
