import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import * as z from './zod.js';
import { DualError } from '../../model/errors.js';

/**
 * `.dual.json` comes from a branch, so its size is the branch's choice: bounded here so no
 * branch can make dual (or the proxy, which reads the config label) use unbounded memory, or
 * give the container a command line the kernel refuses (E2BIG: one argument may be at most
 * 128 KiB on Linux). The limits are far above what a real config needs.
 */
export const LIMITS = {
  /** Whole file. */
  fileBytes: 256 * 1024,
  /** `start`, `setup`, a string `command`, one argument of an array `command`. */
  scriptChars: 32 * 1024,
  imageChars: 512,
  envEntries: 1000,
  envKeyChars: 256,
  envValueChars: 32 * 1024,
  /** `volumes` entries, of the workspace or one attached container. */
  volumes: 32,
  pathChars: 1024,
  attached: 32,
  commandArgs: 256,
  /** `copy` paths (local files copied from the repo's main checkout into a new worktree). */
  copyPaths: 64,
  /** `seed` directories, and key files per directory. */
  seedDirs: 8,
  seedKeys: 8,
  /** Ports below this are never opened by the proxy because a branch asked (see SPEC.md). */
  firstUnprivilegedPort: 1024,
  /** `idle.stopAfterMinutes`: a week. */
  idleMinutes: 7 * 24 * 60,
} as const;

const kib = (n: number) => `${Math.round(n / 1024)} KiB`;

export const boundedScript = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(LIMITS.scriptChars, `expected at most ${LIMITS.scriptChars} characters; keep a long script in a file of the repo and run that`),
  );

export const boundedImage = z.string().check(z.minLength(1), z.maxLength(LIMITS.imageChars, `expected an image reference of at most ${LIMITS.imageChars} characters`));

export const boundedEnv = z
  .record(
    z
      .string()
      .check(
        z.maxLength(LIMITS.envKeyChars, `expected variable names of at most ${LIMITS.envKeyChars} characters`),
        z.regex(/^[^=\0]+$/, 'expected variable names without "=" or NUL'),
      ),
    z.string().check(z.maxLength(LIMITS.envValueChars, `expected values of at most ${LIMITS.envValueChars} characters`), z.regex(/^[^\0]*$/, 'expected values without NUL')),
  )
  .check(z.refine((env) => Object.keys(env).length <= LIMITS.envEntries, { message: `expected at most ${LIMITS.envEntries} variables` }));

export function boundedList<T extends z.ZodMiniType>(item: T, max: number, what: string) {
  return z.array(item).check(z.maxLength(max, `expected at most ${max} ${what}`));
}

/**
 * The text of `file`, or undefined when it does not exist. Refused: anything over the size
 * limit (checked before reading), anything that is not a regular file (a FIFO or /dev/zero
 * would never end), and a symbolic link leading out of the worktree (a branch naming a
 * host file).
 */
export function readBoundedFile(file: string): string | undefined {
  let link;
  try {
    link = lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (link.isSymbolicLink()) {
    const target = realpathSync(file);
    const root = realpathSync(dirname(file));
    if (!target.startsWith(root + sep)) throw new DualError(`${file}: is a symbolic link to ${target}, outside the worktree; commit the file itself`);
  }
  // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new DualError(`${file}: not a regular file; commit a JSON file there`);
    if (stat.size > LIMITS.fileBytes) {
      throw new DualError(`${file}: ${kib(stat.size)}, more than the ${kib(LIMITS.fileBytes)} a .dual.json may have; keep long scripts in files of the repo`);
    }
    // Read at most the limit, even if the file grows meanwhile.
    const buffer = Buffer.alloc(LIMITS.fileBytes + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
    if (length > LIMITS.fileBytes) throw new DualError(`${file}: more than the ${kib(LIMITS.fileBytes)} a .dual.json may have; keep long scripts in files of the repo`);
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
