import { join } from 'node:path';
import { z } from 'zod';
import { DualError } from '../../model/errors.js';
import { validateAttachedName } from '../../model/naming.js';
import { boundedEnv, boundedImage, boundedList, boundedScript, LIMITS, readBoundedFile } from './dual-json-limits.js';

export const DUAL_JSON = '.dual.json';
const DEFAULT_IMAGE = 'node:22';

/** The proxy opens the same port on the host: never a privileged one because a branch asked. */
const port = z
  .number()
  .int()
  .min(LIMITS.firstUnprivilegedPort, `expected a port from ${LIMITS.firstUnprivilegedPort} to 65535: the proxy listens on the same port on the host, and ports below ${LIMITS.firstUnprivilegedPort} are privileged`)
  .max(65535, 'expected a port from 1024 to 65535');

/** A path inside the worktree: relative, no `..`, so a volume can never cover the host. */
const worktreePath = z
  .string()
  .min(1)
  .max(LIMITS.pathChars, `expected a path of at most ${LIMITS.pathChars} characters`)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), {
    message: 'expected a relative path inside the worktree (no leading / and no ..)',
  });

/**
 * A path inside the repo for `copy` and `seed`: as worktreePath, and never inside `.git`
 * (the worktree's `.git` is a pointer file; the repo's git directory is not a file to copy).
 */
const repoPath = worktreePath.refine((p) => !p.split('/').includes('.git') && !p.includes('\0'), {
  message: 'expected a path outside .git',
});

const envObject = boundedEnv;

const attachedSchema = z
  .object({
    image: boundedImage,
    env: envObject.default({}),
    /** Argument vector (or one shell string run with sh -c) for the attached container's main process. */
    command: z.union([boundedList(z.string().max(LIMITS.scriptChars, `expected arguments of at most ${LIMITS.scriptChars} characters`), LIMITS.commandArgs, 'arguments'), boundedScript]).optional(),
    /** Mount the workspace's worktree at its own path (agents, test runners). */
    mountWorktree: z.boolean().default(false),
    /** Docker-style size ("512m", "1g"). */
    memory: z.string().max(32, 'expected a size such as 512m or 2g').optional(),
    cpus: z.number().positive().optional(),
    /** Absolute paths in the attached container kept in named volumes (e.g. a database's data dir). */
    volumes: boundedList(z.string().startsWith('/').max(LIMITS.pathChars, `expected a path of at most ${LIMITS.pathChars} characters`), LIMITS.volumes, 'volumes').default([]),
  })
  .strict();

export const dualJsonSchema = z
  .object({
    image: boundedImage.default(DEFAULT_IMAGE),
    ports: z
      .array(port)
      .min(1)
      .max(32)
      .refine((ports) => new Set(ports).size === ports.length, { message: 'expected each port once' })
      .default([3000]),
    start: boundedScript.optional(),
    setup: boundedScript.optional(),
    env: envObject.default({}),
    /** Absent: the platform's default (workspaces/volume-default.ts): none where host and container share OS and arch. */
    volumes: boundedList(worktreePath, LIMITS.volumes, 'volumes').optional(),
    /** What Host/Origin the dev server sees through the proxy: the branch host (default) or localhost:<port>. */
    hostHeader: z.enum(['preserve', 'localhost']).default('preserve'),
    /** false: this repo's containers do not get the host's CA certificates. */
    trustHostCA: z.boolean().default(true),
    /** false: this repo's containers do not share dual's npm download cache. A branch can only opt out, never pick a host path. */
    npmCache: z.boolean().default(true),
    /** Local files git does not carry (.env, certs/) copied from the repo's main checkout into a new worktree (workspaces/copy-files.ts). */
    copy: boundedList(repoPath, LIMITS.copyPaths, 'paths').default([]),
    /** Dependency directories started from a copy of another workspace's (or dual's cache), keyed by these files (workspaces/seed/). */
    seed: z
      .record(repoPath, boundedList(repoPath, LIMITS.seedKeys, 'key files').min(1, 'expected at least one key file, e.g. ["package-lock.json"]'))
      .refine((seed) => Object.keys(seed).length <= LIMITS.seedDirs, { message: `expected at most ${LIMITS.seedDirs} seeded directories` })
      .default({}),
    /** Stop the workspace (and its attached containers) after this long without a request or exec; a request wakes it. */
    idle: z
      .object({
        stopAfterMinutes: z
          .number()
          .int('expected whole minutes')
          .min(1, 'expected at least 1 minute')
          .max(LIMITS.idleMinutes, `expected at most ${LIMITS.idleMinutes} minutes (a week)`),
      })
      .strict()
      .optional(),
    attached: z
      .record(
        z.string().refine((n) => validateAttachedName(n) === undefined, { message: 'expected a name of lowercase letters, digits and dashes' }),
        attachedSchema,
      )
      .refine((attached) => Object.keys(attached).length <= LIMITS.attached, { message: `expected at most ${LIMITS.attached} attached containers` })
      .default({}),
  })
  .strict();

export type DualJson = z.infer<typeof dualJsonSchema>;
/** A `.dual.json` with `volumes` decided (given, or the platform default): what a container is made from. */
export type WorkspaceConfig = DualJson & { volumes: string[] };
export type AttachedDeclaration = z.infer<typeof attachedSchema>;

/** Parse and validate; errors name the file, the key and what is expected. */
export function parseDualJson(text: string, file: string): DualJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DualError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const result = dualJsonSchema.safeParse(raw);
  if (!result.success) throw new DualError(`${file}: ${describeIssue(result.error.issues[0]!)}`);
  return result.data;
}

/** Reads `.dual.json` from a worktree (bounded: see dual-json-limits.ts); a missing file means all defaults. */
export function loadDualJson(worktree: string): DualJson {
  const file = join(worktree, DUAL_JSON);
  const text = readBoundedFile(file);
  return text === undefined ? dualJsonSchema.parse({}) : parseDualJson(text, file);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // A branch chooses the key names too: a 100 KiB variable name is not echoed whole.
  const key = issue.path.map((part) => (String(part).length > 40 ? `${String(part).slice(0, 40)}...` : String(part))).join('.');
  // A bad record key (an env variable name): say what is wrong with the name itself.
  if (issue.code === 'invalid_key' && issue.issues[0]) return `key "${key}": ${issue.issues[0].message}`;
  if (issue.code === 'unrecognized_keys') {
    const where = key ? ` in "${key}"` : '';
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${where}; known keys are ${knownKeys(issue.path)}`;
  }
  return `key "${key || '(top level)'}": ${issue.message.replace(/^Invalid input: /, '')}`;
}

function knownKeys(path: PropertyKey[]): string {
  const shape = path.length === 0 ? dualJsonSchema.shape : path[0] === 'attached' ? attachedSchema.shape : undefined;
  return shape ? Object.keys(shape).join(', ') : 'listed in SPEC.md';
}
