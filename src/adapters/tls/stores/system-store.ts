import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { shellCommand } from '../../../model/shell-quote.js';
import type { TrustInstall } from '../trust-record.js';
import { canWrite, findTool, runTool } from './run-tool.js';
import { storeName, type CaFile, type Step } from './step.js';

/** The operating system's trust store: what OpenSSL, curl, Node with --use-openssl-ca, Chrome on macOS read. */
interface AnchorDirStore {
  method: 'debian' | 'fedora';
  /** Where a local CA file goes. */
  dir: string;
  /** The command that rebuilds the bundle from that directory. */
  update: string[];
  /** After a removal: the same, also dropping the removed file's links (Debian keeps them otherwise). */
  updateAfterRemoval: string[];
}

const ANCHOR_STORES: AnchorDirStore[] = [
  { method: 'debian', dir: '/usr/local/share/ca-certificates', update: ['update-ca-certificates'], updateAfterRemoval: ['update-ca-certificates', '--fresh'] },
  { method: 'fedora', dir: '/etc/pki/ca-trust/source/anchors', update: ['update-ca-trust', 'extract'], updateAfterRemoval: ['update-ca-trust', 'extract'] },
];

export function installSystem(ca: CaFile, platform: NodeJS.Platform = process.platform): Step {
  if (platform === 'darwin') return installMacKeychain(ca);
  const store = ANCHOR_STORES.find((s) => existsSync(s.dir) && findTool(s.update[0]!));
  if (!store) return { kind: 'skipped', detail: `system store: no update-ca-certificates or update-ca-trust here; add ${ca.file} to your system's trust store yourself` };
  const target = join(store.dir, `${storeName(ca.fingerprint)}.crt`);
  const install: TrustInstall = { store: 'system', location: target, method: store.method };
  if (!canWrite(store.dir)) {
    // Never sudo behind the user's back: say the command instead.
    return {
      kind: 'skipped',
      detail: `system store: ${store.dir} needs root; to add it there run: sudo ${shellCommand(['cp', ca.file, target])} && sudo ${shellCommand(store.update)}`,
    };
  }
  if (existsSync(target) && readFileSync(target, 'utf8') === ca.pem) return { kind: 'present', install, detail: `system store: already has ${target}` };
  writeFileSync(target, ca.pem, { mode: 0o644 });
  const updated = runTool(findTool(store.update[0]!)!, store.update.slice(1));
  if (!updated.ok) {
    rmSync(target, { force: true });
    return { kind: 'failed', detail: `system store: ${shellCommand(store.update)} failed (${firstLine(updated.output)}); nothing was left there` };
  }
  return { kind: 'installed', install, detail: `system store: added ${target} and ran ${shellCommand(store.update)}` };
}

export function uninstallSystem(install: TrustInstall, caFile: string): Step {
  if (install.method === 'macos-login-keychain') return uninstallMacKeychain(install, caFile);
  const store = ANCHOR_STORES.find((s) => s.method === install.method);
  if (!store) return { kind: 'failed', install, detail: `system store: unknown method ${install.method} in the trust record` };
  if (!existsSync(install.location)) return { kind: 'removed', install, detail: `system store: ${install.location} was already gone` };
  if (!canWrite(store.dir)) {
    return { kind: 'failed', install, detail: `system store: ${store.dir} needs root; run: sudo ${shellCommand(['rm', install.location])} && sudo ${shellCommand(store.updateAfterRemoval)}` };
  }
  rmSync(install.location, { force: true });
  const update = store.updateAfterRemoval;
  const tool = findTool(update[0]!);
  const updated = tool ? runTool(tool, update.slice(1)) : { ok: false, output: `${update[0]} not found` };
  if (!updated.ok) return { kind: 'failed', install, detail: `system store: removed ${install.location} but ${shellCommand(update)} failed (${firstLine(updated.output)}); run it again` };
  return { kind: 'removed', install, detail: `system store: removed ${install.location} and ran ${shellCommand(update)}` };
}

/**
 * macOS: the user's login keychain, trusted for SSL by the user's own trust settings. That
 * needs no sudo (macOS asks for the user's password in a dialog); the System keychain would.
 */
function installMacKeychain(ca: CaFile): Step {
  const keychain = join(homedir(), 'Library', 'Keychains', 'login.keychain-db');
  const sha1 = createHash('sha1').update(Buffer.from(ca.pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64')).digest('hex').toUpperCase();
  const install: TrustInstall = { store: 'system', location: keychain, method: 'macos-login-keychain', name: sha1 };
  const args = ['add-trusted-cert', '-r', 'trustRoot', '-p', 'ssl', '-k', keychain, ca.file];
  const added = runTool('security', args, 120_000);
  if (!added.ok) return { kind: 'failed', detail: `login keychain: ${shellCommand(['security', ...args])} failed (${firstLine(added.output)})` };
  return { kind: 'installed', install, detail: `login keychain: added and trusted for SSL (${keychain})` };
}

function uninstallMacKeychain(install: TrustInstall, caFile: string): Step {
  // The user's trust setting first, then the certificate itself (found by its SHA-1).
  if (existsSync(caFile)) runTool('security', ['remove-trusted-cert', caFile], 120_000);
  const deleted = runTool('security', ['delete-certificate', '-Z', install.name ?? '', install.location], 120_000);
  if (!deleted.ok && !/could not be found/i.test(deleted.output)) {
    return { kind: 'failed', install, detail: `login keychain: security delete-certificate failed (${firstLine(deleted.output)})` };
  }
  return { kind: 'removed', install, detail: `login keychain: removed dual's CA from ${install.location}` };
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? 'no output').slice(0, 200);
}
