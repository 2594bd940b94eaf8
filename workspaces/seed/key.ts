import { createHash } from 'node:crypto';

/**
 * Which seed a new workspace's dependency directory starts from (pure; see seed.ts).
 *
 * The key of a seeded directory is the sha256 of its path, the image (native modules built for
 * one image's libc need not load in another's) and each key file's name and bytes. Equal keys:
 * the source's directory is what setup would install (an **exact** seed). Otherwise the
 * **nearest** seed: the workspace of the repo whose setup succeeded most recently (its
 * dependencies are the likeliest to be close to a branch's), else the newest cache entry;
 * setup then brings it up to date.
 */
export interface SeedCandidate {
  /** For the user: `workspace shop-main` or `cache (saved from shop-feat-x)`. */
  origin: string;
  kind: 'workspace' | 'cache';
  /** undefined when its key files could not be read (it can still be a nearest seed). */
  key: string | undefined;
  /** When its setup last succeeded (workspace) or it was saved (cache), ms since the epoch. */
  updatedAt: number;
}

export interface SeedChoice<C extends SeedCandidate> {
  candidate: C;
  exact: boolean;
}

export function seedKey(dir: string, image: string, keyFiles: Array<{ name: string; content: Buffer }>): string {
  const hash = createHash('sha256');
  const field = (value: string | Buffer) => {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  };
  field(dir);
  field(image);
  for (const file of keyFiles) {
    field(file.name);
    field(file.content);
  }
  return hash.digest('hex');
}

/** Exact before nearest; among equals a cache entry (nothing writes to it) before a live workspace, then the newest. */
export function chooseSeed<C extends SeedCandidate>(candidates: readonly C[], key: string): SeedChoice<C> | undefined {
  const newest = (list: C[]) =>
    [...list].sort((a, b) => Number(b.kind === 'cache') - Number(a.kind === 'cache') || b.updatedAt - a.updatedAt)[0];
  const exact = newest(candidates.filter((c) => c.key === key));
  if (exact) return { candidate: exact, exact: true };
  const workspaces = candidates.filter((c) => c.kind === 'workspace');
  const nearest = [...workspaces].sort((a, b) => b.updatedAt - a.updatedAt)[0] ?? [...candidates].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  return nearest ? { candidate: nearest, exact: false } : undefined;
}
