import { readFileSync } from 'node:fs';
import * as z from './zod.js';
import { DualError } from '../../model/errors.js';
import { writeJsonAtomic } from '../atomic-file.js';

/**
 * dual's own settings, in $DUAL_HOME/config.json. Holds the registered repos (name -> path)
 * and proxy settings. It never lists workspaces: Docker labels are the source of truth.
 */
const proxySettingsSchema = z.strictObject({
  /** `dual create` starts the background proxy when it is not running. */
  autoStart: z._default(z.boolean(), true),
  /** How the proxy reaches containers: bridge IP (Linux), loopback-published ports (Docker Desktop), or pick. */
  upstream: z._default(z.enum(['auto', 'bridge', 'published']), 'auto'),
  /** Pin the listening ports instead of following the workspaces' dual.ports labels. */
  ports: z.optional(z.array(z.int().check(z.gte(1), z.lte(65535)))),
  /** Addresses to listen on. Anything but loopback needs --allow-remote and prints a warning. */
  bind: z._default(z.array(z.string()), ['127.0.0.1', '::1']),
  /** Extra host suffixes accepted besides localhost and *.localhost (e.g. "test" for *.test). */
  domains: z._default(z.array(z.string()), []),
  /** A client that has not sent its whole request head by then is disconnected (slowloris). */
  headersTimeoutSeconds: z._default(z.int().check(z.gte(1), z.lte(600)), 30),
  /** Also listen on 443, where https://<id>.localhost/ reaches the workspace's first port (issue 10). */
  https443: z._default(z.boolean(), false),
});

const repoSchema = z.strictObject({ path: z.string() });

/** Attached containers (issue 4). The limit stops a runaway agent from filling the machine. */
const attachedSettingsSchema = z.strictObject({
  maxPerWorkspace: z._default(z.int().check(z.gte(0)), 8),
});

/** `dual destroy`: ignored paths it may delete without --force, on top of workspaces/regenerable.ts. */
const destroySettingsSchema = z.strictObject({
  regenerable: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(200))).check(z.maxLength(1000)), []),
});

/**
 * `seed` (SPEC "Seeds"): hardLinks makes a seeded directory in the worktree hard links to its
 * source's files (tool caches and npm's hidden lockfile still copied) instead of copies: 5-10x
 * cheaper for a large node_modules, at the cost that a file written in place in one branch
 * (an edit, patch-package) changes in the other. The user's choice, never a branch's.
 */
const seedSettingsSchema = z.strictObject({
  hardLinks: z._default(z.boolean(), false),
});

const settingsSchema = z.strictObject({
  repos: z._default(z.record(z.string(), repoSchema), {}),
  proxy: z._default(proxySettingsSchema, () => proxySettingsSchema.parse({})),
  attached: z._default(attachedSettingsSchema, () => attachedSettingsSchema.parse({})),
  destroy: z._default(destroySettingsSchema, () => destroySettingsSchema.parse({})),
  seed: z._default(seedSettingsSchema, () => seedSettingsSchema.parse({})),
  /** Lend the host's CA certificates to every container (read-only); false turns it off for all repos. */
  trustHostCA: z._default(z.boolean(), true),
  /** npm download cache shared by all workspaces: true = $DUAL_HOME/cache/npm, an absolute path, or false. */
  npmCache: z._default(z.union([z.boolean(), z.string().check(z.startsWith('/', { message: 'expected true, false or an absolute path' }))]), true),
});

export type Settings = z.infer<typeof settingsSchema>;
export type ProxySettings = z.infer<typeof proxySettingsSchema>;
export type AttachedSettings = z.infer<typeof attachedSettingsSchema>;

export function parseSettings(raw: unknown, file: string): Settings {
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.join('.') || '(top level)';
    throw new DualError(`${file}: ${key}: ${issue.message}; fix or remove that key`);
  }
  return result.data;
}

export function loadSettings(file: string): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parseSettings({}, file);
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DualError(`${file} is not valid JSON (${(error as Error).message}); fix or delete it`);
  }
  return parseSettings(raw, file);
}

/** Atomically: a crash or a concurrent reader (the proxy's watcher) never sees half a file. */
export function saveSettings(file: string, settings: Settings): void {
  writeJsonAtomic(file, settings, { pretty: true });
}
