import { describe, expect, it } from 'vitest';
import { classifyHost, hostnameOf, normalizeDomains } from '../../proxy/host.js';

describe('hostnameOf', () => {
  it('lowercases, drops the port and a trailing dot', () => {
    expect(hostnameOf('Shop-Main.LocalHost.:3000')).toBe('shop-main.localhost');
    expect(hostnameOf('shop-main.localhost')).toBe('shop-main.localhost');
    expect(hostnameOf('[::1]:3000')).toBe('[::1]');
  });

  it('rejects what no browser sends', () => {
    for (const bad of ['a b.localhost', 'x.localhost:abc', 'x..localhost', '[::1', '[::1]x', 'x.localhost:3000:1', 'évil.localhost']) {
      expect(hostnameOf(bad)).toBeUndefined();
    }
  });
});

describe('classifyHost', () => {
  const none: string[] = [];
  it('routes <id>.localhost to the workspace', () => {
    expect(classifyHost('shop-feat-x.localhost:3000', none)).toEqual({ kind: 'workspace', hostname: 'shop-feat-x.localhost', id: 'shop-feat-x' });
  });

  it('shows the dashboard for localhost, dual.localhost and loopback literals', () => {
    for (const host of ['localhost:3000', 'dual.localhost:3000', 'DUAL.LOCALHOST.', '127.0.0.1:3000', '[::1]:3000']) {
      expect(classifyHost(host, none).kind).toBe('dashboard');
    }
  });

  it('refuses any other name (DNS rebinding) and reports a missing Host', () => {
    for (const host of ['evil.com', 'evil.com:3000', 'shop-main.localhost.evil.com', 'localhost.evil.com', '10.0.0.1', '192.168.1.2:3000', 'localhostx']) {
      expect(classifyHost(host, none).kind).toBe('refused');
    }
    expect(classifyHost(undefined, none)).toEqual({ kind: 'missing' });
    expect(classifyHost('', none)).toEqual({ kind: 'missing' });
  });

  it('accepts configured domains only when configured', () => {
    expect(classifyHost('shop-main.test:3000', none).kind).toBe('refused');
    expect(classifyHost('shop-main.test:3000', ['test'])).toEqual({ kind: 'workspace', hostname: 'shop-main.test', id: 'shop-main' });
    expect(classifyHost('test', ['test']).kind).toBe('dashboard');
  });

  it('treats deeper *.localhost names as workspaces that do not exist (404), not as refused', () => {
    expect(classifyHost('a.b.localhost', none)).toMatchObject({ kind: 'workspace', id: 'a.b' });
  });
});

describe('normalizeDomains', () => {
  it('lowercases and strips dots', () => {
    expect(normalizeDomains(['.Test.', ' dev.internal ', ''])).toEqual(['test', 'dev.internal']);
  });
});
