import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { shellCommand } from '../../../model/shell-quote.js';
import type { TrustInstall } from '../trust-record.js';
import { findTool, runTool } from './run-tool.js';
import { storeName, type CaFile, type Step } from './step.js';

/**
 * NSS databases: Chromium and Chrome on Linux read `~/.pki/nssdb`, Firefox its own per
 * profile on every platform. They are the user's files, so no privilege is needed. Only
 * databases that exist are changed (a browser makes its own on first run), in the SQL
 * format (cert9.db) every current browser uses.
 */
export interface NssDatabase {
  dir: string;
  browser: string;
}

export function nssDatabases(home: string, platform: NodeJS.Platform = process.platform): NssDatabase[] {
  const found: NssDatabase[] = [];
  const add = (dir: string, browser: string) => {
    if (existsSync(join(dir, 'cert9.db'))) found.push({ dir, browser });
  };
  if (platform === 'linux') {
    add(join(home, '.pki', 'nssdb'), 'Chromium/Chrome');
    add(join(home, 'snap', 'chromium', 'current', '.pki', 'nssdb'), 'Chromium (snap)');
  }
  const firefoxRoots =
    platform === 'darwin'
      ? [join(home, 'Library', 'Application Support', 'Firefox', 'Profiles')]
      : [join(home, '.mozilla', 'firefox'), join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox')];
  for (const root of firefoxRoots) {
    let profiles: string[] = [];
    try {
      profiles = readdirSync(root);
    } catch {
      continue;
    }
    for (const profile of profiles.sort()) add(join(root, profile), 'Firefox');
  }
  return found;
}

const CERTUTIL_HINT = 'install certutil (Debian/Ubuntu: apt-get install libnss3-tools; Fedora: dnf install nss-tools; macOS: brew install nss) and run `dual trust` again';

export function installNss(ca: CaFile, db: NssDatabase): Step {
  const certutil = findTool('certutil');
  if (!certutil) return { kind: 'skipped', detail: `${db.browser} (${db.dir}): ${CERTUTIL_HINT}` };
  const nickname = nssNickname(ca.fingerprint);
  const install: TrustInstall = { store: 'nss', location: db.dir, method: 'nss', name: nickname };
  const database = `sql:${db.dir}`;
  if (runTool(certutil, ['-d', database, '-L', '-n', nickname]).ok) return { kind: 'present', install, detail: `${db.browser}: ${db.dir} already has "${nickname}"` };
  // C,, : a CA trusted to issue server certificates (not e-mail or code signing).
  const args = ['-d', database, '-A', '-t', 'C,,', '-n', nickname, '-i', ca.file];
  const added = runTool(certutil, args);
  if (!added.ok) return { kind: 'failed', detail: `${db.browser}: ${shellCommand(['certutil', ...args])} failed (${added.output.split('\n')[0]})` };
  return { kind: 'installed', install, detail: `${db.browser}: added "${nickname}" to the NSS database ${db.dir}` };
}

export function uninstallNss(install: TrustInstall): Step {
  const certutil = findTool('certutil');
  if (!certutil) return { kind: 'failed', install, detail: `NSS database ${install.location}: ${CERTUTIL_HINT.replace('dual trust', 'dual trust --uninstall')}` };
  if (!existsSync(join(install.location, 'cert9.db'))) return { kind: 'removed', install, detail: `NSS database ${install.location} is gone` };
  const database = `sql:${install.location}`;
  const nickname = install.name ?? '';
  if (!runTool(certutil, ['-d', database, '-L', '-n', nickname]).ok) return { kind: 'removed', install, detail: `NSS database ${install.location} no longer had "${nickname}"` };
  const removed = runTool(certutil, ['-d', database, '-D', '-n', nickname]);
  if (!removed.ok) return { kind: 'failed', install, detail: `NSS database ${install.location}: certutil -D failed (${removed.output.split('\n')[0]})` };
  return { kind: 'removed', install, detail: `removed "${nickname}" from the NSS database ${install.location}` };
}

function nssNickname(fingerprint: string): string {
  return `dual local CA ${storeName(fingerprint).slice('dual-'.length)}`;
}
