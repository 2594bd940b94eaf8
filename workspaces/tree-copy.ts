import { createHash } from 'node:crypto';
import { closeSync, constants, type Dirent, existsSync, fstatSync, linkSync, lstatSync, openSync, promises as fs, readlinkSync, realpathSync, rmSync, utimesSync } from 'node:fs';
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
 * Files are cloned (reflink) where the filesystem can (btrfs, XFS), else copied; hard linked
 * only where the caller says so (`link`: the user's `seed.hardLinks`): npm rewrites
 * `node_modules/.package-lock.json` in place, and so do editors and patch-package, so a hard
 * link shares such writes with the source branch (SPEC.md "Seeds").
 * Timestamps are kept, directories' after their content: npm trusts its hidden lockfile
 * (`node_modules/.package-lock.json`) only if no package folder is newer (SPEC "Seeds"), so
 * the copy is exactly as valid to npm as its source.
 */
export interface TreeCopyOptions {
  /** Symlinks are kept only when they resolve inside this directory (the destination worktree). */
  linkRoot: string;
  maxFiles: number;
  maxBytes: number;
  /** Record each file's sha256 (copied local files; not for a 300 MB node_modules). */
  hash: boolean;
  /**
   * Files (by path relative to the roots) to hard-link instead of copy: the user's opt-in for
   * seeds (`seed.hardLinks`, SPEC "Seeds"). A link is checked to name the very file opened and
   * checked inside the source, else removed; where linking fails (another filesystem, a file
   * the user may not link) the file is copied.
   */
  link?: (path: string) => boolean;
}

export interface TreeCopyResult {
  /** Files (and kept symlinks) written, relative to the destination root, with their sha256 when hashed (a link: linkDigest). */
  files: Array<{ path: string; sha256?: string }>;
  bytes: number;
  /** What was left out and why, e.g. `certs/key.pem (a symlink leading outside)`. */
  skipped: string[];
}

const PROC_FD = '/proc/self/fd';
/**
 * Entries in flight. Each file is 5-6 calls through libuv's thread pool, so a walk that
 * awaits them one after another is bound by their latency, not the disk: the Next.js
 * fixture's node_modules (341 MB, 11k entries) took 21-31 s listed in order and 10-14 s
 * like this, as fast as `cp -a` (10-11 s) in the same alternating runs at load 11-19.
 */
const PARALLEL = 64;

type Kind = 'file' | 'directory' | 'symlink' | 'other' | 'unknown' | 'gone';

export async function copyTree(sourceRoot: string, destRoot: string, rel: string, options: TreeCopyOptions): Promise<TreeCopyResult> {
  const source = realpathSync(sourceRoot);
  const result: TreeCopyResult = { files: [], bytes: 0, skipped: [] };
  const blocked = sourceProblem(source, rel) ?? destinationProblem(destRoot, rel);
  if (blocked) {
    result.skipped.push(`${rel} (${blocked})`);
    return result;
  }
  await fs.mkdir(dirname(join(destRoot, rel)), { recursive: true });
  const dirTimes: Array<{ path: string; depth: number; atime: Date; mtime: Date }> = [];
  let count = 0;

  const skip = (path: string, why: string): string[] => {
    result.skipped.push(`${path} (${why})`);
    return [];
  };

  /** Copies one entry; a directory is made and its entries returned (as `kind\0path`) for the walk. */
  const visit = async (path: string, listed: Kind): Promise<string[]> => {
    const from = join(source, path);
    const to = join(destRoot, path);
    const kind = listed === 'unknown' ? kindOf(await fs.lstat(from).catch(() => undefined)) : listed;
    if (kind === 'gone') return skip(path, 'gone');
    if (kind === 'symlink') {
      await copyLink(from, to, path, options.linkRoot, result);
      return [];
    }
    if (kind === 'other') return skip(path, 'not a file or directory');
    if (kind === 'file' && options.link?.(path)) {
      const linked = linkInside(source, from, to, (size) => count < options.maxFiles && result.bytes + size <= options.maxBytes);
      if (linked.kind === 'linked') {
        count += 1;
        result.bytes += linked.size;
        result.files.push({ path });
        return [];
      }
      if (linked.kind === 'exists') return skip(path, 'exists');
      if (linked.kind === 'changed') return skip(path, 'changed while copying');
      if (linked.kind === 'over') return skip(path, `over the limit of ${options.maxFiles} files / ${options.maxBytes} bytes`);
      // Not linkable here (another filesystem, a file the user may not link): copied below.
    }
    const handle = await openInside(source, from, kind === 'directory');
    if (!handle) return skip(path, 'changed while copying');
    try {
      const stat = await handle.stat();
      if (stat.isDirectory()) {
        const entries = await fs.readdir(readable(handle.fd, from), { withFileTypes: true });
        await fs.mkdir(to).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        });
        dirTimes.push({ path: to, depth: path.split(sep).length, atime: stat.atime, mtime: stat.mtime });
        return entries.map((entry) => `${direntKind(entry)}\0${join(path, entry.name)}`);
      }
      if (!stat.isFile()) return skip(path, 'not a file or directory');
      if (count >= options.maxFiles || result.bytes + stat.size > options.maxBytes) {
        return skip(path, `over the limit of ${options.maxFiles} files / ${options.maxBytes} bytes`);
      }
      count += 1;
      result.bytes += stat.size;
      try {
        await fs.copyFile(readable(handle.fd, from), to, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        return skip(path, 'exists');
      }
      await fs.utimes(to, stat.atime, stat.mtime);
      result.files.push({ path, ...(options.hash ? { sha256: await sha256File(to) } : {}) });
      return [];
    } finally {
      await handle.close();
    }
  };

  await walk(`unknown\0${rel}`, async (item) => {
    const at = item.indexOf('\0');
    return visit(item.slice(at + 1), item.slice(0, at) as Kind);
  });
  // Directories last, deepest first: writing into a directory changes its mtime. Synchronous:
  // one call each, in order; awaited through the thread pool, 703 directories of the Next.js
  // fixture's node_modules took 34-177 ms instead of 5-66 ms (alternating, load 15).
  dirTimes.sort((a, b) => b.depth - a.depth);
  for (const d of dirTimes) {
    try {
      utimesSync(d.path, d.atime, d.mtime);
    } catch {
      // gone meanwhile: nothing to date
    }
  }
  return result;
}

/**
 * Runs `step` on `first` and on every item the steps return, at most PARALLEL at once; the
 * first failure ends the walk (steps in flight finish) and is thrown.
 */
async function walk(first: string, step: (item: string) => Promise<string[]>): Promise<void> {
  const queue = [first];
  let active = 0;
  let failure: unknown;
  await new Promise<void>((done) => {
    const pump = () => {
      while (failure === undefined && active < PARALLEL && queue.length > 0) {
        const item = queue.pop() as string;
        active += 1;
        step(item)
          .then((more) => queue.push(...more), (error: unknown) => void (failure ??= error))
          .finally(() => {
            active -= 1;
            pump();
          });
      }
      if (active === 0 && (queue.length === 0 || failure !== undefined)) done();
    };
    pump();
  });
  if (failure !== undefined) throw failure;
}

function kindOf(stat: { isSymbolicLink(): boolean; isFile(): boolean; isDirectory(): boolean } | undefined): Kind {
  if (!stat) return 'gone';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isDirectory()) return 'directory';
  return stat.isFile() ? 'file' : 'other';
}

/** What a directory entry is, as the listing says (checked again when opened: the listing can be stale). */
function direntKind(entry: Dirent): Kind {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  return entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice() ? 'other' : 'unknown';
}

type LinkOutcome = { kind: 'linked'; size: number } | { kind: 'exists' | 'changed' | 'over' | 'not linked' };

/**
 * Hard-links the regular file `from` at `to` if it lies inside `root`, and checks that the
 * link names the very file that was opened and checked: a parent swapped for a symlink
 * between the check and the link would make it name another file, and then it is removed
 * (the open descriptor keeps the checked inode from being reused meanwhile). Synchronous on
 * purpose: six plain system calls per file; through the thread pool, each a round trip, the
 * Next.js fixture's node_modules took 4.5-8 s instead of 1.3-2.8 s (`cp -al` 0.5-1.2 s; load 7-13).
 */
function linkInside(root: string, from: string, to: string, fits: (size: number) => boolean): LinkOutcome {
  let fd: number;
  try {
    fd = openSync(from, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return { kind: 'changed' };
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile() || (existsSync(PROC_FD) ? !isInside(root, readlinkSync(`${PROC_FD}/${fd}`)) : !isInside(root, realpathSync(from)))) return { kind: 'changed' };
    if (!fits(opened.size)) return { kind: 'over' };
    try {
      linkSync(from, to);
    } catch (error) {
      return { kind: (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'exists' : 'not linked' };
    }
    const made = lstatSync(to, { throwIfNoEntry: false });
    if (made?.ino === opened.ino && made.dev === opened.dev) return { kind: 'linked', size: opened.size };
    rmSync(to, { force: true });
    return { kind: 'changed' };
  } finally {
    closeSync(fd);
  }
}

/**
 * Why `rel` cannot be read under sourceRoot: a parent that is a symlink leading out of it
 * (`config -> /etc` with `config/.env` listed). The per-file check would refuse it anyway;
 * this says why, before a directory is made for it.
 */
function sourceProblem(sourceRoot: string, rel: string): string | undefined {
  let parent;
  try {
    parent = realpathSync(dirname(join(sourceRoot, rel)));
  } catch {
    return undefined; // missing: reported as gone
  }
  return isInside(sourceRoot, parent) ? undefined : 'reached through a symlink leading outside';
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
