import type { WorkspaceConfig } from '../src/adapters/config/dual-json.js';
import type { Context } from '../src/adapters/context.js';
import { workspaceVolumes, type HostUser, type WorkspaceIdentity } from './container-spec.js';
import { runInContainer } from './exec/run-in-container.js';

/** The user dual runs as: containers run as this uid:gid (when not root), so files stay theirs. */
export function hostUser(): HostUser {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/**
 * Named volumes start owned by root; hand them to the host user so `npm ci` can write
 * node_modules. Runs right after the container starts; its entry script waits for this.
 */
export async function giveVolumesToUser(ctx: Context, containerId: string, identity: WorkspaceIdentity, config: WorkspaceConfig, user: HostUser): Promise<void> {
  const targets = workspaceVolumes(identity, config).map((v) => v.target);
  if (targets.length === 0 || user.uid === 0) return;
  const code = await runInContainer(ctx.docker, containerId, ['chown', `${user.uid}:${user.gid}`, ...targets], {
    workingDir: '/',
    user: '0',
    output: ctx.output,
  });
  if (code !== 0) ctx.log(`dual: warning: could not chown ${targets.join(' ')} to ${user.uid}:${user.gid} (exit ${code})`);
}
