import { describe, expect, it } from 'vitest';
import { checkApiRequest, type GuardInput } from '../../proxy/dashboard/request-guard.js';

const TOKEN = 'a'.repeat(64);
const base: GuardInput = { method: 'POST', host: 'localhost:3000', origin: 'http://localhost:3000', secFetchSite: 'same-origin', token: TOKEN, encrypted: false };
const verdict = (over: Partial<GuardInput>) => checkApiRequest({ ...base, ...over }, TOKEN);

describe('dashboard request guard', () => {
  it("allows a POST carrying the token from the dashboard's own origin", () => {
    expect(verdict({})).toEqual({ ok: true });
    expect(verdict({ host: 'dual.localhost:3000', origin: 'http://dual.localhost:3000' })).toEqual({ ok: true });
    expect(verdict({ host: 'localhost:8443', origin: 'https://localhost:8443', encrypted: true })).toEqual({ ok: true });
    // Browsers that do not send Sec-Fetch-Site still need token and Origin.
    expect(verdict({ secFetchSite: undefined })).toEqual({ ok: true });
  });

  it('refuses a POST without the token, with a wrong one, or with one of another length', () => {
    expect(verdict({ token: undefined }).ok).toBe(false);
    expect(verdict({ token: 'b'.repeat(64) }).ok).toBe(false);
    expect(verdict({ token: TOKEN.slice(1) }).ok).toBe(false);
  });

  it('refuses a POST from any other origin, even with the token', () => {
    for (const origin of ['http://evil.example', 'http://shop-main.localhost:3000', 'http://localhost:5173', 'https://localhost:3000', 'null', 'http://localhost:3000.evil.example']) {
      expect(verdict({ origin }).ok, origin).toBe(false);
    }
    expect(verdict({ origin: undefined }).ok).toBe(false);
  });

  it('refuses what the browser marks as cross-site or same-site (a branch page on <id>.localhost)', () => {
    expect(verdict({ secFetchSite: 'cross-site' }).ok).toBe(false);
    expect(verdict({ secFetchSite: 'same-site' }).ok).toBe(false);
    expect(verdict({ method: 'GET', secFetchSite: 'same-site' }).ok).toBe(false);
  });

  it('lets a GET with the token through without an Origin (browsers send none on same-origin GETs), never without the token', () => {
    expect(verdict({ method: 'GET', origin: undefined })).toEqual({ ok: true });
    expect(verdict({ method: 'GET', origin: undefined, token: undefined }).ok).toBe(false);
  });
});
