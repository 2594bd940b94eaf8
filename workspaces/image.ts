import type { Context } from '../src/adapters/context.js';

/** Pulls the image when missing, with a progress display on stderr (one line per layer state change). */
export async function ensureImage(ctx: Context, image: string): Promise<void> {
  if (await ctx.docker.imageExists(image)) return;
  ctx.log(`dual: pulling ${image}`);
  const seen = new Map<string, string>();
  const interactive = process.stderr.isTTY;
  await ctx.docker.pullImage(image, (event) => {
    if (!event.status) return;
    const key = event.id ?? '';
    if (interactive && event.progress) {
      process.stderr.write(`\r\x1b[K  ${key} ${event.status} ${event.progress}`);
      return;
    }
    if (seen.get(key) === event.status) return;
    seen.set(key, event.status);
    process.stderr.write(`${interactive ? '\r\x1b[K' : ''}  ${key ? `${key}: ` : ''}${event.status}\n`);
  });
  if (interactive) process.stderr.write('\r\x1b[K');
}
