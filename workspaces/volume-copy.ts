import type { Context } from '../src/adapters/context.js';
import { DualError } from '../src/model/errors.js';
import { LABEL } from '../src/model/labels.js';

/**
 * Copies one named volume into another with a short-lived helper container: the data never
 * passes through the host (on Docker Desktop it lives in the VM), and whatever the source
 * holds (a symlink to /etc/shadow, a FIFO) is resolved inside the helper, which sees only the
 * two volumes: the source read-only, no network, nothing of the host. `cp -a` keeps owners,
 * modes, timestamps and symlinks as links. The target is emptied first, so it ends up equal
 * to the source. The image is one the workspace already uses (it must have `sh` and `cp`).
 */
export async function copyVolume(
  ctx: Context,
  copy: { from: string; to: string; image: string; workspace: string; repo: string },
): Promise<void> {
  const created = await ctx.engine.request<{ Id: string }>('POST', '/containers/create', {
    Image: copy.image,
    Entrypoint: ['/bin/sh', '-c'],
    Cmd: ['rm -rf /to/* /to/.[!.]* /to/..?* && cp -a /from/. /to/'],
    User: '0',
    WorkingDir: '/',
    Labels: { [LABEL.home]: ctx.paths.home, [LABEL.workspace]: copy.workspace, [LABEL.repo]: copy.repo, 'dual.helper': 'volume-copy' },
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: 'none',
      Mounts: [
        { Type: 'volume', Source: copy.from, Target: '/from', ReadOnly: true },
        { Type: 'volume', Source: copy.to, Target: '/to' },
      ],
    },
  });
  try {
    await ctx.engine.request('POST', `/containers/${created.Id}/start`);
    const waited = await ctx.engine.request<{ StatusCode: number }>('POST', `/containers/${created.Id}/wait`);
    if (waited.StatusCode !== 0) {
      throw new DualError(`copying volume ${copy.from} into ${copy.to} failed (exit ${waited.StatusCode} in image ${copy.image}, which needs sh and cp)`);
    }
  } finally {
    await ctx.docker.removeContainer(created.Id).catch(() => undefined);
  }
}
