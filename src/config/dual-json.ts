import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DualError } from '../errors.js';
import { validateAttachedName } from '../naming.js';

export const DUAL_JSON = '.dual.json';
export const DEFAULT_IMAGE = 'node:22';

const port = z.number().int().min(1).max(65535);

/** A path inside the worktree: relative, no `..`, so a volume can never cover the host. */
const worktreePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), {
    message: 'expected a relative path inside the worktree (no leading / and no ..)',
  });

const envObject = z.record(z.string(), z.string());

const attachedSchema = z
  .object({
    image: z.string().min(1),
    env: envObject.default({}),
    /** Argument vector (or one shell string run with sh -c) for the attached container's main process. */
    command: z.union([z.array(z.string()), z.string()]).optional(),
    /** Mount the workspace's worktree at its own path (agents, test runners). */
    mountWorktree: z.boolean().default(false),
    /** Docker-style size ("512m", "1g"). */
    memory: z.string().optional(),
    cpus: z.number().positive().optional(),
    /** Absolute paths in the attached container kept in named volumes (e.g. a database's data dir). */
    volumes: z.array(z.string().startsWith('/')).default([]),
  })
  .strict();

export const dualJsonSchema = z
  .object({
    image: z.string().min(1).default(DEFAULT_IMAGE),
    ports: z
      .array(port)
      .min(1)
      .max(32)
      .refine((ports) => new Set(ports).size === ports.length, { message: 'expected each port once' })
      .default([3000]),
    start: z.string().min(1).optional(),
    setup: z.string().min(1).optional(),
    env: envObject.default({}),
    volumes: z.array(worktreePath).default(['node_modules']),
    /** What Host/Origin the dev server sees through the proxy: the branch host (default) or localhost:<port>. */
    hostHeader: z.enum(['preserve', 'localhost']).default('preserve'),
    /** false: this repo's containers do not get the host's CA certificates. */
    trustHostCA: z.boolean().default(true),
    /** false: this repo's containers do not share dual's npm download cache. A branch can only opt out, never pick a host path. */
    npmCache: z.boolean().default(true),
    attached: z
      .record(
        z.string().refine((n) => validateAttachedName(n) === undefined, { message: 'expected a name of lowercase letters, digits and dashes' }),
        attachedSchema,
      )
      .default({}),
  })
  .strict();

export type DualJson = z.infer<typeof dualJsonSchema>;
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

/** Reads `.dual.json` from a worktree; a missing file means all defaults. */
export function loadDualJson(worktree: string): DualJson {
  const file = join(worktree, DUAL_JSON);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return dualJsonSchema.parse({});
    throw error;
  }
  return parseDualJson(text, file);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.map(String).join('.');
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
