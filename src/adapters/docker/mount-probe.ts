/**
 * Does the engine see this machine's files? Asked by creating a container (never started)
 * that bind-mounts a folder just made here under a random name. The engine checks a bind
 * mount's source on its own filesystem before it looks up the image (moby's containerCreate:
 * verifyContainerSettings, then GetImage), so with an image that does not exist:
 *
 *   - 404 "No such image": the engine found the folder, it shares our filesystem;
 *   - 400 "bind source path does not exist": the engine is on another machine (or in a VM
 *     without this folder shared), where a worktree mount would be empty or someone else's.
 *
 * Nothing is created either way. Why not compare hostnames or engine IDs: a local engine in
 * a VM (Docker Desktop) shares the user's folders and must pass; a remote one reached through
 * a forwarded unix socket must not. Only the engine's own view of the folder tells.
 */
export const MOUNT_PROBE_IMAGE = 'dual-mount-probe.invalid/absent:never';

export function mountProbeBody(dir: string, labels: Record<string, string>): object {
  return {
    Image: MOUNT_PROBE_IMAGE,
    Labels: labels,
    HostConfig: { Mounts: [{ Type: 'bind', Source: dir, Target: '/dual-mount-probe', ReadOnly: true }] },
  };
}

/** true: same files; false: the engine does not see `dir`; undefined: no answer either way (let create go on). */
export function mountProbeVerdict(statusCode: number, message: string): boolean | undefined {
  if (statusCode === 404 && /no such image/i.test(message)) return true;
  if (statusCode === 400 && /bind source path does not exist/i.test(message)) return false;
  return undefined;
}
