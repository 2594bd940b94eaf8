import { readFileSync } from 'node:fs';
import { tlsPaths } from './paths.js';
import { writeJsonAtomic } from '../atomic-file.js';

/** One place `dual trust` put the CA: enough to take exactly that out again. */
export interface TrustInstall {
  /** `system` (the OS store), `nss` (a Chromium or Firefox database). */
  store: 'system' | 'nss';
  /** The file copied (system) or the database directory (nss). */
  location: string;
  /** How it was installed: `debian`, `fedora`, `macos-login-keychain`, `nss`. */
  method: string;
  /** NSS nickname, or the macOS certificate's SHA-1. */
  name?: string;
}

export interface TrustRecord {
  /** The CA these installs are of (sha256). */
  fingerprint: string;
  installs: TrustInstall[];
}

/** `tls/trust.json`; absent or unreadable means nothing was installed. */
export function readTrustRecord(home: string): TrustRecord | undefined {
  try {
    const parsed = JSON.parse(readFileSync(tlsPaths(home).trustRecord, 'utf8')) as TrustRecord;
    return Array.isArray(parsed.installs) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function writeTrustRecord(home: string, record: TrustRecord): void {
  const file = tlsPaths(home).trustRecord;
  writeJsonAtomic(file, record, { pretty: true, dirMode: 0o700 });
}

/** Once `dual trust` has put the CA somewhere a browser looks, dual prints https:// URLs. */
function isCaTrusted(home: string): boolean {
  return (readTrustRecord(home)?.installs.length ?? 0) > 0;
}

export function urlScheme(home: string): 'http' | 'https' {
  return isCaTrusted(home) ? 'https' : 'http';
}
