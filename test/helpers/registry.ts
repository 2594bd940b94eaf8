import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopChild } from './processes.js';

/** The engine's own CLI (20.10 on this machine kind; the 28.x one on PATH may refuse that engine). */
export const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

export function docker(args: string[], input?: string): string {
  return execFileSync(DOCKER_CLI, args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString().trim();
}

export interface Registry {
  /** `127.0.0.1:<port>`: the engine pulls from 127.0.0.0/8 over plain HTTP without any daemon setting. */
  host: string;
  stop(): Promise<void>;
}

/**
 * The reference registry (distribution 2.x, Debian's docker-registry, installed by
 * scripts/ensure-registry.sh) on a port the kernel picks, with its own config in `dir`.
 * Registries given the same `storage` serve the same images (one pushed, both pull).
 * With `users`, every request needs HTTP basic auth (an htpasswd file of bcrypt hashes).
 */
export async function startRegistry(dir: string, storage: string, users?: Record<string, string>): Promise<Registry> {
  mkdirSync(dir, { recursive: true });
  const lines = ['version: 0.1', 'log:', '  level: info', '  accesslog:', '    disabled: true', 'storage:', '  filesystem:', `    rootdirectory: ${storage}`, 'http:', '  addr: 127.0.0.1:0'];
  if (users) {
    writeFileSync(join(dir, 'htpasswd'), Object.entries(users).map(([user, password]) => `${user}:${bcrypt(password)}\n`).join(''));
    lines.push('auth:', '  htpasswd:', '    realm: dual-test', `    path: ${join(dir, 'htpasswd')}`);
  }
  writeFileSync(join(dir, 'config.yml'), lines.join('\n') + '\n');
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await listeningPort(child);
  return { host: `127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/** The registry logs the port it bound (`listening on 127.0.0.1:<port>`): no race for a free port. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (match) resolve(Number(match[1]));
    });
    child.on('error', (error) => reject(new Error(`docker-registry did not start (${error.message}); run scripts/ensure-registry.sh`)));
    child.on('exit', (code) => reject(new Error(`docker-registry exited ${code} before listening:\n${log}`)));
  });
}

/**
 * A bcrypt hash as the registry's htpasswd wants, from the system's own crypt(3) (libxcrypt,
 * through perl, which every Debian has): Node has no bcrypt, and no package is needed.
 */
function bcrypt(password: string): string {
  const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const salt = [...randomBytes(22)].map((b) => alphabet[b % 64]).join('');
  const hash = execFileSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, `$2b$05$${salt}`]).toString();
  if (!hash.startsWith('$2b$05$')) throw new Error(`this system's crypt(3) made no bcrypt hash: ${hash}`);
  return hash;
}

/**
 * Pushes a small image of its own to the registry under each of `names` (repo:tag): the
 * offline busybox image plus one layer of `padBytes` random bytes, so a pull downloads at
 * least that layer. Then removes it locally (by exact reference): what dual pulls is missing.
 * Returns the layer's digest (the blob a relay can cut) and the config's.
 */
export async function pushTestImage(registry: string, names: string[], dir: string, padBytes: number): Promise<{ layer: string; config: string }> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pad'), randomBytes(padBytes));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM dual-test/busybox\nCOPY pad /pad\nLABEL dual.test=1\n');
  const refs = names.map((name) => `${registry}/${name}`);
  docker(['build', '-q', ...refs.flatMap((ref) => ['-t', ref]), dir]);
  try {
    for (const ref of refs) docker(['push', ref]);
    return await registryDigests(registry, names[0]!);
  } finally {
    removeImages(refs);
  }
}

/** Removes images by exact reference, ignoring those not there. */
export function removeImages(refs: string[]): void {
  for (const ref of refs) {
    try {
      docker(['rmi', ref]);
    } catch {
      // not there (never pulled, or already removed)
    }
  }
}

/** The digests of the last layer and of the config blob, read from the registry's manifest. */
async function registryDigests(registry: string, name: string): Promise<{ layer: string; config: string }> {
  const [repo, tag] = name.split(':');
  const response = await fetch(`http://${registry}/v2/${repo}/manifests/${tag}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  if (!response.ok) throw new Error(`registry ${registry} answered ${response.status} for ${name}`);
  const manifest = (await response.json()) as { config: { digest: string }; layers: Array<{ digest: string }> };
  return { layer: manifest.layers.at(-1)!.digest, config: manifest.config.digest };
}
