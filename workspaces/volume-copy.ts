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
  const id = await ctx.docker.createContainer({
    image: copy.image,
    entrypoint: ['/bin/sh', '-c'],
    cmd: ['rm -rf /to/* /to/.[!.]* /to/..?* && cp -a /from/. /to/'],
    user: '0',
    workingDir: '/',
    env: {},
    labels: { [LABEL.home]: ctx.paths.home, [LABEL.workspace]: copy.workspace, [LABEL.repo]: copy.repo, 'dual.helper': 'volume-copy' },
    binds: [],
    volumes: [
      { name: copy.from, target: '/from', readOnly: true },
      { name: copy.to, target: '/to' },
    ],
    publishLoopback: [],
    networkMode: 'none',
    networkDisabled: true,
    init: false,
  });
  try {
    await ctx.docker.startContainer(id);
    const exitCode = await ctx.docker.waitContainer(id);
    if (exitCode !== 0) {
      throw new DualError(`copying volume ${copy.from} into ${copy.to} failed (exit ${exitCode} in image ${copy.image}, which needs sh and cp)`);
    }
  } finally {
    await ctx.docker.removeContainer(id).catch(() => undefined);
  }
}
