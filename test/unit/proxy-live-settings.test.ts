import { describe, expect, it } from 'vitest';
import { LiveSettings } from '../../proxy/live-settings.js';
import type { ProxySettings } from '../../src/adapters/config/settings.js';

const base: ProxySettings = { autoStart: true, upstream: 'auto', bind: ['127.0.0.1', '::1'], domains: [], headersTimeoutSeconds: 30, https443: false };

describe('LiveSettings: config.json under the command line, as it stands now', () => {
  it('reloads the headers timeout and asks for the listeners to reopen with it', () => {
    const settings = new LiveSettings(base, {});
    expect(settings.headersTimeoutMs()).toBe(30_000);
    expect(settings.apply({ ...base, headersTimeoutSeconds: 5 })).toEqual({ upstream: false, listeners: true });
    expect(settings.headersTimeoutMs()).toBe(5_000);
    expect(settings.apply({ ...base, headersTimeoutSeconds: 5, domains: ['Test.'] })).toEqual({ upstream: false, listeners: false });
  });

  it('keeps an overridden value whatever config.json says', () => {
    const settings = new LiveSettings(base, { headersTimeoutMs: 700, upstream: 'bridge', bind: ['127.0.0.1'], ports: [4000] });
    const change = settings.apply({ ...base, headersTimeoutSeconds: 5, upstream: 'published', bind: ['127.0.0.2'], ports: [5000] });
    expect(change).toEqual({ upstream: false, listeners: false });
    expect([settings.headersTimeoutMs(), settings.upstream(), settings.bind(), settings.pinnedPorts()]).toEqual([700, 'bridge', ['127.0.0.1'], [4000]]);
  });

  it('follows a new upstream setting and new loopback binds', () => {
    const settings = new LiveSettings(base, {});
    expect(settings.apply({ ...base, upstream: 'published', bind: ['127.0.0.1'] })).toEqual({ upstream: true, listeners: true });
    expect(settings.bind()).toEqual(['127.0.0.1']);
  });

  it('refuses a remote bind without --allow-remote and keeps the old binds', () => {
    const settings = new LiveSettings(base, {});
    const change = settings.apply({ ...base, bind: ['0.0.0.0'] });
    expect(change.listeners).toBe(false);
    expect(change.bindRefused).toMatch(/0\.0\.0\.0/);
    expect(settings.bind()).toEqual(['127.0.0.1', '::1']);
  });
});
