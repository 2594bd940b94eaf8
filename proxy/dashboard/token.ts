import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The dashboard's per-installation token. Every state-changing request and every read of
 * live data (events, logs) must carry it; only pages served by dual contain it, and a page of
 * another origin cannot read those pages (no CORS headers, Host check against rebinding).
 * Kept in `$DUAL_HOME/state/dashboard-token`, mode 0600, so it survives proxy restarts (an
 * open dashboard tab keeps working) and no other local user can read it.
 */
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

export function tokenFile(stateDir: string): string {
  return join(stateDir, 'dashboard-token');
}

export function loadOrCreateToken(file: string): string {
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (TOKEN_PATTERN.test(existing)) {
      chmodSync(file, 0o600);
      return existing;
    }
  } catch {
    // Missing or unreadable: make a new one below.
  }
  const token = randomBytes(32).toString('hex');
  mkdirSync(dirname(file), { recursive: true });
  // Written beside and renamed: a reader never sees half a token; created 0600 from the start.
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${token}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  return token;
}

/** Constant-time comparison: the answer's timing says nothing about how much of a guess was right. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
