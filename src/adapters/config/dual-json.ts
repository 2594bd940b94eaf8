import { join } from 'node:path';
import * as z from './zod.js';
import { DualError } from '../../model/errors.js';
import { validateAttachedName } from '../../model/naming.js';
import { boundedEnv, boundedImage, boundedList, boundedScript, LIMITS, readBoundedFile } from './dual-json-limits.js';

export const DUAL_JSON = '.dual.json';
const DEFAULT_IMAGE = 'node:22';

/** The proxy opens the same port on the host: never a privileged one because a branch asked. */
const port = z.int().check(
  z.gte(LIMITS.firstUnprivilegedPort, `expected a port from ${LIMITS.firstUnprivilegedPort} to 65535: the proxy listens on the same port on the host, and ports below ${LIMITS.firstUnprivilegedPort} are privileged`),
  z.lte(65535, 'expected a port from 1024 to 65535'),
);

/** A path inside the worktree: relative, no `..`, so a volume can never cover the host. */
const worktreePath = z.string().check(
  z.minLength(1),
  z.maxLength(LIMITS.pathChars, `expected a path of at most ${LIMITS.pathChars} characters`),
  z.refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), {
    message: 'expected a relative path inside the worktree (no leading / and no ..)',
  }),
);

/**
 * A path inside the repo for `copy` and `seed`: as worktreePath, and never inside `.git`
 * (the worktree's `.git` is a pointer file; the repo's git directory is not a file to copy).
 */
const repoPath = worktreePath.check(
  z.refine((p) => !p.split('/').includes('.git') && !p.includes('\0'), {
    message: 'expected a path outside .git',
  }),
);

const envObject = boundedEnv;

const attachedSchema = z.strictObject({
  image: boundedImage,
  env: z._default(envObject, {}),
  /** Argument vector (or one shell string run with sh -c) for the attached container's main process. */
  command: z.optional(
    z.union([
      boundedList(z.string().check(z.maxLength(LIMITS.scriptChars, `expected arguments of at most ${LIMITS.scriptChars} characters`)), LIMITS.commandArgs, 'arguments'),
      boundedScript,
    ]),
  ),
  /** Mount the workspace's worktree at its own path (agents, test runners). */
  mountWorktree: z._default(z.boolean(), false),
  /** Docker-style size ("512m", "1g"). */
  memory: z.optional(z.string().check(z.maxLength(32, 'expected a size such as 512m or 2g'))),
  cpus: z.optional(z.number().check(z.positive())),
  /** Absolute paths in the attached container kept in named volumes (e.g. a database's data dir). */
  volumes: z._default(
    boundedList(z.string().check(z.startsWith('/'), z.maxLength(LIMITS.pathChars, `expected a path of at most ${LIMITS.pathChars} characters`)), LIMITS.volumes, 'volumes'),
    [],
  ),
});

export const dualJsonSchema = z.strictObject({
  image: z._default(boundedImage, DEFAULT_IMAGE),
  ports: z._default(
    z.array(port).check(
      z.minLength(1),
      z.maxLength(32),
      z.refine((ports) => new Set(ports).size === ports.length, { message: 'expected each port once' }),
    ),
    [3000],
  ),
  start: z.optional(boundedScript),
  setup: z.optional(boundedScript),
  env: z._default(envObject, {}),
  /** Absent: the platform's default (workspaces/volume-default.ts): none where host and container share OS and arch. */
  volumes: z.optional(boundedList(worktreePath, LIMITS.volumes, 'volumes')),
  /** What Host/Origin the dev server sees through the proxy: the branch host (default) or localhost:<port>. */
  hostHeader: z._default(z.enum(['preserve', 'localhost']), 'preserve'),
  /** false: this repo's containers do not get the host's CA certificates. */
  trustHostCA: z._default(z.boolean(), true),
  /** false: this repo's containers do not share dual's npm download cache. A branch can only opt out, never pick a host path. */
  npmCache: z._default(z.boolean(), true),
  /** Local files git does not carry (.env, certs/) copied from the repo's main checkout into a new worktree (workspaces/copy-files.ts). */
  copy: z._default(boundedList(repoPath, LIMITS.copyPaths, 'paths'), []),
  /** Dependency directories started from a copy of another workspace's (or dual's cache), keyed by these files (workspaces/seed/). */
  seed: z._default(
    z
      .record(repoPath, boundedList(repoPath, LIMITS.seedKeys, 'key files').check(z.minLength(1, 'expected at least one key file, e.g. ["package-lock.json"]')))
      .check(z.refine((seed) => Object.keys(seed).length <= LIMITS.seedDirs, { message: `expected at most ${LIMITS.seedDirs} seeded directories` })),
    {},
  ),
  /** Stop the workspace (and its attached containers) after this long without a request or exec; a request wakes it. */
  idle: z.optional(
    z.strictObject({
      stopAfterMinutes: z
        .number()
        .check(
          z.refine(Number.isInteger, { message: 'expected whole minutes' }),
          z.gte(1, 'expected at least 1 minute'),
          z.lte(LIMITS.idleMinutes, `expected at most ${LIMITS.idleMinutes} minutes (a week)`),
        ),
    }),
  ),
  attached: z._default(
    z
      .record(
        z.string().check(z.refine((n) => validateAttachedName(n) === undefined, { message: 'expected a name of lowercase letters, digits and dashes' })),
        attachedSchema,
      )
      .check(z.refine((attached) => Object.keys(attached).length <= LIMITS.attached, { message: `expected at most ${LIMITS.attached} attached containers` })),
    {},
  ),
});

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
