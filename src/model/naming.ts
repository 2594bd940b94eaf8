import { createHash } from 'node:crypto';

/** DNS labels are at most 63 characters; the workspace id is used as one (`<id>.localhost`). */
export const MAX_LABEL_LENGTH = 63;
const HASH_LENGTH = 6;

/**
 * Lowercase; every run of characters outside [a-z0-9] becomes one `-`; no leading or
 * trailing `-`. Browsers lowercase the Host header, so anything else would never route.
 */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Cut a slug to a DNS label, adding a short hash of the whole slug so the cut stays unique and stable. */
function fitLabel(slug: string): string {
  if (slug.length <= MAX_LABEL_LENGTH) return slug;
  const hash = createHash('sha256').update(slug).digest('hex').slice(0, HASH_LENGTH);
  const head = slug.slice(0, MAX_LABEL_LENGTH - HASH_LENGTH - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/** Workspace id = `<repo>-<branch-slug>`, a valid DNS label. */
export function workspaceId(repo: string, branch: string): string {
  return fitLabel(slugify(`${repo}-${branch}`));
}

/**
 * The one Docker network every workspace container joins: a bridge with inter-container
 * traffic switched off (enable_icc=false), so no workspace can open a connection to another
 * (see workspaces/network.ts for why one shared network and not one per workspace).
 */
export const WORKSPACE_NETWORK = 'dual-workspaces';

export function containerName(id: string): string {
  return `dual-${id}`;
}

/** Attached containers: `dual-<id>--<name>`; `--` never occurs in an id, so names cannot collide with workspaces. */
export function attachedContainerName(id: string, name: string): string {
  return `dual-${id}--${name}`;
}

/** Named volume that keeps `<worktree>/<path>` (e.g. node_modules) inside Docker. */
export function volumeName(id: string, path: string): string {
  return `dual-${id}-v-${slugify(path) || 'root'}`;
}

const REPO_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Repo names are used verbatim in ids and hostnames, so they must already be slugs. */
export function validateRepoName(name: string): string | undefined {
  if (!REPO_NAME.test(name)) {
    return `repo name '${name}' must be lowercase letters, digits and single dashes (try '${slugify(name) || 'myrepo'}')`;
  }
  if (name.length > 40) return `repo name '${name}' is longer than 40 characters; choose a shorter one with --name`;
  return undefined;
}

/** Attached container names: short slugs, so `dual-<id>--<name>` stays a valid container name. */
export function validateAttachedName(name: string): string | undefined {
  if (!REPO_NAME.test(name) || name.length > 32) {
    return `attached container name '${name}' must be 1-32 lowercase letters, digits and single dashes`;
  }
  return undefined;
}
