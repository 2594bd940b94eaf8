import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDualJson } from '../src/adapters/config/dual-json.js';
import type { Context } from '../src/adapters/context.js';
import { copyTree, linkDigest, sha256File } from './tree-copy.js';

/**
 * `copy` in `.dual.json`: local files git does not carry (`.env`, `.env.local`, `certs/`)
 * copied from the repo's main checkout into a new worktree, so the app runs without the user
 * copying them by hand. The list is read from the **main checkout's** `.dual.json`, not the
 * new branch's: a branch must not choose which of the user's local files its container
 * receives (a hostile branch would list `.env.production`). Copied only when present there and
 * absent in the worktree; never overwritten; symlinks kept only when they stay inside the
 * worktree (tree-copy.ts). What was copied is recorded with hashes in
 * `$DUAL_HOME/state/copied/<id>.json` (outside every container's reach), so `dual destroy`
 * can tell an unchanged copy (regenerable: the main checkout still has it) from one the user
 * changed (work).
 */
export const COPY_LIMITS = { maxFiles: 5000, maxBytes: 100 * 1024 * 1024 } as const;

export type CopyRecord = Record<string, string>;

function recordFile(home: string, id: string): string {
  return join(home, 'state', 'copied', `${id}.json`);
}

/** Returns the paths copied (relative to the worktree), for a rollback. */
export async function copyLocalFiles(ctx: Context, repoPath: string, worktree: string, id: string, branchCopy: readonly string[]): Promise<string[]> {
  const main = realpathSync(repoPath);
  if (main === worktree) return []; // the main checkout itself
  const paths = loadDualJson(main).copy;
  const ignored = branchCopy.filter((p) => !paths.includes(p));
  if (ignored.length > 0) {
    ctx.log(`dual: copy: ${ignored.join(', ')} not copied: the list is read from the main checkout's .dual.json (${main}), so a branch cannot choose which of your local files it receives; add them there`);
  }
  if (paths.length === 0) return [];
  const record: CopyRecord = {};
  const copied: string[] = [];
  const skipped: string[] = [];
  let budget: { maxFiles: number; maxBytes: number } = { ...COPY_LIMITS };
  for (const path of paths) {
    const rel = path.replace(/\/+$/, '');
    if (!exists(join(main, rel))) continue;
    if (exists(join(worktree, rel))) {
      skipped.push(`${rel} (already in the worktree)`);
      continue;
    }
    const result = await copyTree(main, worktree, rel, { linkRoot: worktree, hash: true, ...budget });
    for (const file of result.files) record[file.path] = file.sha256 ?? '';
    if (result.files.length > 0) copied.push(rel);
    skipped.push(...result.skipped);
    budget = { maxFiles: budget.maxFiles - result.files.length, maxBytes: budget.maxBytes - result.bytes };
  }
  writeRecord(ctx.paths.home, id, record);
  if (copied.length > 0) ctx.log(`dual: copied ${copied.join(', ')} from ${main}`);
  if (skipped.length > 0) ctx.log(`dual: not copied: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ` and ${skipped.length - 5} more` : ''}`);
  return copied;
}

/** Rollback of a create: the copies go (unless changed meanwhile: then the worktree is kept, see undo-worktree.ts). */
export async function undoLocalCopies(home: string, id: string, worktree: string, copied: string[]): Promise<void> {
  const record = readCopyRecord(home, id);
  for (const path of copied) if (await isUnchangedCopy(worktree, path, record).catch(() => false)) rmSync(join(worktree, path), { recursive: true, force: true });
  removeCopyRecord(home, id);
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function writeRecord(home: string, id: string, record: CopyRecord): void {
  const file = recordFile(home, id);
  mkdirSync(join(home, 'state', 'copied'), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(record));
  renameSync(`${file}.tmp`, file);
}

export function readCopyRecord(home: string, id: string): CopyRecord {
  try {
    const parsed = JSON.parse(readFileSync(recordFile(home, id), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as CopyRecord) : {};
  } catch {
    return {};
  }
}

export function removeCopyRecord(home: string, id: string): void {
  rmSync(recordFile(home, id), { force: true });
}

/**
 * Whether an ignored path `git ls-files` names (`.env`, or `certs/` for a whole directory)
 * holds only copies dual made that are unchanged: every file under it recorded with the same
 * hash (a symlink with the same target). A file the user added or edited there is work.
 */
export async function isUnchangedCopy(worktree: string, ignored: string, record: CopyRecord): Promise<boolean> {
  const rel = ignored.replace(/\/+$/, '');
  let files;
  try {
    files = listFiles(worktree, rel);
  } catch {
    return false;
  }
  if (files === undefined || files.length === 0) return false;
  for (const file of files) {
    const recorded = record[file.path];
    if (recorded === undefined) return false;
    const now = file.link === undefined ? await sha256File(join(worktree, file.path)) : linkDigest(file.link);
    if (now !== recorded) return false;
  }
  return true;
}

/** Files and symlinks under rel (undefined when something else, e.g. a FIFO, is there). */
function listFiles(root: string, rel: string): Array<{ path: string; link?: string }> | undefined {
  const stat = lstatSync(join(root, rel));
  if (stat.isSymbolicLink()) return [{ path: rel, link: readlinkSync(join(root, rel)) }];
  if (stat.isFile()) return [{ path: rel }];
  if (!stat.isDirectory()) return undefined;
  const out: Array<{ path: string; link?: string }> = [];
  for (const name of readdirSync(join(root, rel))) {
    const inner = listFiles(root, join(rel, name));
    if (inner === undefined) return undefined;
    out.push(...inner);
  }
  return out;
}
