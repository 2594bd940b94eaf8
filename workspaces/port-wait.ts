import { DualError } from '../src/model/errors.js';
import type { Context } from '../src/adapters/context.js';
import { probeInside, probePorts } from './port-probe.js';

/** Default bound on "every declared port answers" after start (`--port-timeout` overrides). */
export const DEFAULT_PORT_TIMEOUT_SECONDS = 120;
const POLL_MS = 250;

/**
 * After start: wait until every port answers, so `dual create` prints URLs that work. On a
 * timeout or a main process that exits, name the port, show the end of `dual logs`, and say
 * what to do. The workspace is kept either way.
 */
export async function waitForPorts(
  ctx: Context,
  ws: { id: string; containerId: string },
  ports: readonly number[],
  options: { timeoutMs: number; interrupted?: () => boolean },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const details = await ctx.docker.inspectContainer(ws.containerId);
    if (!details?.running) {
      await showLogTail(ctx, ws);
      throw new DualError(
        `the main process of ${ws.id} exited before ${portWord(ports)} ${ports.join(', ')} answered (its log ends above); fix \`start\` in .dual.json, then \`dual restart ${ws.id}\``,
      );
    }
    const probed = await probePorts(ctx, { containerId: ws.containerId, ipAddress: details.ipAddress }, ports);
    const silent = probed.filter((p) => !p.listening).map((p) => p.port);
    if (silent.length === 0) return;
    if (options.interrupted?.()) {
      throw new DualError(`interrupted; the workspace goes on starting: \`dual list\` shows when it listens`, 130);
    }
    if (Date.now() >= deadline) {
      await showLogTail(ctx, ws);
      const loopback = (await probeInside(ctx, ws.containerId, silent)).filter((p) => p.loopbackOnly).map((p) => p.port);
      const hint =
        loopback.length > 0
          ? `; ${loopback.join(', ')} listens on the container's localhost only: make the dev server listen on 0.0.0.0 (e.g. \`vite --host\`)`
          : `; check \`start\` in .dual.json and that the dev server listens on 0.0.0.0:${silent[0]}`;
      throw new DualError(
        `${portWord(silent)} ${silent.join(', ')} of ${ws.id} did not answer within ${Math.round(options.timeoutMs / 1000)} s (the end of its log is above)${hint}; the workspace is kept: \`dual logs -f ${ws.id}\``,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The last lines of the container's log on stderr, under a header saying where they come from. */
async function showLogTail(ctx: Context, ws: { id: string; containerId: string }, lines = 20): Promise<void> {
  ctx.log(`dual: the last ${lines} lines of \`dual logs ${ws.id}\`:`);
  await ctx.docker.logs(ws.containerId, { follow: false, tail: lines, stdout: ctx.output, stderr: ctx.output }).catch(() => undefined);
}

function portWord(ports: readonly number[]): string {
  return ports.length === 1 ? 'port' : 'ports';
}
