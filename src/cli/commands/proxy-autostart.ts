import { loadSettings } from '../../adapters/config/settings.js';
import type { Context } from '../../adapters/context.js';

/** `dual create` starts the background proxy unless settings say `proxy.autoStart: false`. */
export async function maybeStartProxy(ctx: Context): Promise<void> {
  if (!loadSettings(ctx.paths.config).proxy.autoStart) return;
  try {
    const { ensureProxyRunning, proxyStatus } = await import('../../../proxy/daemon.js');
    const { started, pid } = await ensureProxyRunning(ctx.paths.home);
    if (started) ctx.log(`dual: started the proxy (pid ${pid}); \`dual proxy status\` shows it`);
    // A port the proxy cannot open (another dev server on the host holds it) is worth saying now.
    for (const problem of proxyStatus(ctx.paths.home).problems) ctx.log(`dual: warning: proxy ${problem}`);
  } catch (error) {
    ctx.log(`dual: warning: could not start the proxy: ${(error as Error).message}; run \`dual proxy start\``);
  }
}
