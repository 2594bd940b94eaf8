import { loadSettings } from '../config/settings.js';
import type { Context } from '../wiring.js';

/** `dual create` starts the background proxy unless settings say `proxy.autoStart: false`. */
export async function maybeStartProxy(ctx: Context): Promise<void> {
  if (!loadSettings(ctx.paths.config).proxy.autoStart) return;
  try {
    const { ensureProxyRunning } = await import('../../proxy/daemon.js');
    const { started, pid } = await ensureProxyRunning(ctx.paths.home);
    if (started) ctx.log(`dual: started the proxy (pid ${pid}); \`dual proxy status\` shows it`);
  } catch (error) {
    ctx.log(`dual: warning: could not start the proxy: ${(error as Error).message}; run \`dual proxy start\``);
  }
}
