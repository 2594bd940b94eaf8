import { createHash } from 'node:crypto';
import { constants, existsSync, lstatSync, promises as fs, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * Copies a file or directory tree from one dual-owned place to another (a seeded
 * `node_modules`, a `.env` from the main checkout) as data, never following anything out of
 * the source. The source may be another workspace's worktree whose container is running, so
 * any part of it may be swapped for a symlink while the copy runs:
 * - every file and directory is opened with O_NOFOLLOW and, on Linux, the opened descriptor's
 *   real path (`/proc/self/fd/N`) must still lie inside the source root; the copy reads that
 *   descriptor (through the same `/proc` link), so what was checked is what is copied;
 * - a symlink is copied as a link only when its target, resolved where the link will sit,
 *   stays inside `linkRoot` (npm's `.bin/vite -> ../vite/bin/vite.js`); absolute or escaping
 *   links are skipped, as are FIFOs, sockets and devices (opening a FIFO would hang);
 * - nothing is ever overwritten: files are created with O_EXCL, and a destination parent that
 *   is a symlink (a branch can commit one) stops the copy of that path;
 * - bounded: at most `maxFiles` files and `maxBytes` bytes (the rest is skipped and reported).
 * Files are cloned (reflink) where the filesystem can (btrfs, XFS), else copied; never hard
 * linked: npm rewrites `node_modules/.package-lock.json` in place, and so do editors and
 * patch-package, so a hard link would change the source branch's files too (SPEC.md).
 * Timestamps are kept (npm trusts its hidden lockfile only if no folder is newer).
 */
export interface TreeCopyOptions {
  /** Symlinks are kept only when they resolve inside this directory (the destination worktree). */
  linkRoot: string;
  maxFiles: number;
  maxBytes: number;
  /** Record each file's sha256 (copied local files; not for a 300 MB node_modules). */
  hash: boolean;
}

export interface TreeCopyResult {
  /** Files (and kept symlinks) written, relative to the destination root, with their sha256 when hashed (a link: linkDigest). */
  files: Array<{ path: string; sha256?: string }>;
  bytes: number;
  /** What was left out and why, e.g. `certs/key.pem (a symlink leading outside)`. */
  skipped: string[];
}

const PROC_FD = '/proc/self/fd';
const PARALLEL = 16;

export async function copyTree(sourceRoot: string, destRoot: string, rel: string, options: TreeCopyOptions): Promise<TreeCopyResult> {
  const source = realpathSync(sourceRoot);
  const result: TreeCopyResult = { files: [], bytes: 0, skipped: [] };
  const destBlocked = destinationProblem(destRoot, rel);
  if (destBlocked) {
    result.skipped.push(`${rel} (${destBlocked})`);
    return result;
  }
  await fs.mkdir(dirname(join(destRoot, rel)), { recursive: true });
  const pending: Array<Promise<void>> = [];
  const dirTimes: Array<{ path: string; atime: Date; mtime: Date }> = [];
  let failure: unknown;
  const run = async (task: () => Promise<void>) => {
    if (pending.length >= PARALLEL) await Promise.race(pending);
    const p: Promise<void> = task()
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => pending.splice(pending.indexOf(p), 1));
    pending.push(p);
  };
  let count = 0;

  const visit = async (path: string): Promise<void> => {
    const from = join(source, path);
    const to = join(destRoot, path);
    const link = await fs.lstat(from).catch(() => undefined);
    if (!link) return void result.skipped.push(`${path} (gone)`);
    if (link.isSymbolicLink()) return copyLink(from, to, path, options.linkRoot, result);
    if (!link.isFile() && !link.isDirectory()) return void result.skipped.push(`${path} (not a file or directory)`);
    const handle = await openInside(source, from, link.isDirectory());
    if (!handle) return void result.skipped.push(`${path} (changed while copying)`);
    let stat;
    let entries: string[] = [];
    try {
      stat = await handle.stat();
      if (stat.isDirectory()) entries = await fs.readdir(readable(handle.fd, from));
    } finally {
      if (!stat?.isFile()) await handle.close();
    }
    if (stat.isDirectory()) {
      await fs.mkdir(to).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      dirTimes.push({ path: to, atime: stat.atime, mtime: stat.mtime });
      for (const name of entries) await visit(join(path, name));
      return;
    }
    if (count >= options.maxFiles || result.bytes + stat.size > options.maxBytes) {
      await handle.close();
      return void result.skipped.push(`${path} (over the limit of ${options.maxFiles} files / ${options.maxBytes} bytes)`);
    }
    count += 1;
    result.bytes += stat.size;
    const { atime, mtime } = stat;
    // The copy task owns the descriptor from here.
    await run(async () => {
      try {
        await fs.copyFile(readable(handle.fd, from), to, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        return void result.skipped.push(`${path} (exists)`);
      } finally {
        await handle.close();
      }
      await fs.utimes(to, atime, mtime);
      result.files.push({ path, ...(options.hash ? { sha256: await sha256File(to) } : {}) });
    });
  };

  await visit(rel);
  await Promise.all(pending);
  if (failure) throw failure;
  // Directories last, deepest first: writing into a directory changes its mtime.
  for (const d of dirTimes.reverse()) await fs.utimes(d.path, d.atime, d.mtime).catch(() => undefined);
  return result;
}

/** Why `rel` cannot be written under destRoot (a part that is a symlink, or a parent that is a file), if so. */
export function destinationProblem(destRoot: string, rel: string): string | undefined {
  const parts = rel.split('/').filter((p) => p.length > 0 && p !== '.');
  let at = destRoot;
  for (const [i, part] of parts.entries()) {
    at = join(at, part);
    let stat;
    try {
      stat = lstatSync(at);
    } catch {
      return undefined; // missing: made by the copy
    }
    if (stat.isSymbolicLink()) return 'the worktree has a symlink there';
    if (!stat.isDirectory() && i < parts.length - 1) return 'a parent in the worktree is not a directory';
  }
  return undefined;
}

/** Opens without following the last component; on Linux the opened path must lie inside root. */
async function openInside(root: string, path: string, directory: boolean): Promise<fs.FileHandle | undefined> {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | (directory ? constants.O_DIRECTORY : 0);
  const handle = await fs.open(path, flags).catch(() => undefined);
  if (!handle) return undefined;
  if (!existsSync(PROC_FD)) {
    // No /proc (macOS): the parents are checked instead; a swap in between is not excluded there.
    if (isInside(root, realpathSync(path))) return handle;
  } else {
    const opened = readlinkSync(`${PROC_FD}/${handle.fd}`);
    if (isInside(root, opened)) return handle;
  }
  await handle.close();
  return undefined;
}

/** The opened file itself, whatever its path now names. */
function readable(fd: number, path: string): string {
  return existsSync(PROC_FD) ? `${PROC_FD}/${fd}` : path;
}

async function copyLink(from: string, to: string, path: string, linkRoot: string, result: TreeCopyResult): Promise<void> {
  const target = await fs.readlink(from);
  if (target.startsWith('/') || !isInside(linkRoot, resolve(dirname(to), target))) {
    result.skipped.push(`${path} (a symlink leading outside)`);
    return;
  }
  try {
    await fs.symlink(target, to);
    result.files.push({ path, sha256: linkDigest(target) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    result.skipped.push(`${path} (exists)`);
  }
}

/** What a copied symlink is recorded as (its target, not a file's hash). */
export function linkDigest(target: string): string {
  return `symlink:${target}`;
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}
