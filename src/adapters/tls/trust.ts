import { homedir } from 'node:os';
import { loadCa, loadOrCreateCa } from './ca.js';
import { tlsPaths } from './paths.js';
import { installNss, nssDatabases, uninstallNss } from './stores/nss-store.js';
import type { CaFile, Step } from './stores/step.js';
import { withMachineLock } from './stores/machine-lock.js';
import { installSystem, uninstallSystem } from './stores/system-store.js';
import { readTrustRecord, writeTrustRecord, type TrustInstall } from './trust-record.js';

export interface TrustReport {
  ca: { file: string; fingerprint: string; created: boolean };
  steps: Step[];
  /** Where the CA is trusted now (the record after this run). */
  installs: TrustInstall[];
}

/**
 * `dual trust`: dual's CA (made once) into the system store and every NSS database a browser
 * of this user reads, each with no more privilege than that store needs. Every place it went
 * is recorded in `tls/trust.json`, so `--uninstall` removes exactly those. Running it again
 * changes nothing that is already in place.
 */
export async function installTrust(home: string, userHome: string = homedir()): Promise<TrustReport> {
  const ca = await loadOrCreateCa(home);
  const caFile: CaFile = { file: tlsPaths(home).caCert, pem: ca.certPem, fingerprint: ca.fingerprint };
  const steps: Step[] = [await withMachineLock(() => installSystem(caFile))];
  const databases = nssDatabases(userHome);
  for (const db of databases) steps.push(installNss(caFile, db));
  if (databases.length === 0) {
    steps.push({ kind: 'skipped', detail: `browsers: no NSS database under ${userHome} (Chromium makes ~/.pki/nssdb and Firefox its profile on first run; run \`dual trust\` again after)` });
  }
  const previous = readTrustRecord(home)?.installs ?? [];
  const added = steps.flatMap((s) => (s.kind === 'installed' || s.kind === 'present' ? [s.install] : []));
  const installs = [...previous.filter((p) => !added.some((a) => sameInstall(a, p))), ...added];
  writeTrustRecord(home, { fingerprint: ca.fingerprint, installs });
  return { ca: { file: caFile.file, fingerprint: ca.fingerprint, created: ca.created }, steps, installs };
}

/** `dual trust --uninstall`: takes the CA out of every place the record names; keeps what could not be removed. */
export async function uninstallTrust(home: string): Promise<TrustReport> {
  const record = readTrustRecord(home);
  const ca = await loadCa(home);
  const steps: Step[] = [];
  const kept: TrustInstall[] = [];
  for (const install of record?.installs ?? []) {
    const step = install.store === 'system' ? await withMachineLock(() => uninstallSystem(install, tlsPaths(home).caCert)) : uninstallNss(install);
    steps.push(step);
    if (step.kind === 'failed') kept.push(install);
  }
  if (!record || record.installs.length === 0) steps.push({ kind: 'skipped', detail: 'dual trust has installed nothing from this DUAL_HOME; nothing to remove' });
  writeTrustRecord(home, { fingerprint: record?.fingerprint ?? ca?.fingerprint ?? '', installs: kept });
  return { ca: { file: tlsPaths(home).caCert, fingerprint: ca?.fingerprint ?? '', created: false }, steps, installs: kept };
}

function sameInstall(a: TrustInstall, b: TrustInstall): boolean {
  return a.store === b.store && a.location === b.location && a.method === b.method && a.name === b.name;
}
