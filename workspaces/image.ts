import type { Context } from '../src/adapters/context.js';
import { PullDisplay } from './pull-display.js';

/** Pulls the image when missing, with a progress display on stderr (pull-display.ts). */
export async function ensureImage(ctx: Context, image: string): Promise<void> {
  if (await ctx.docker.imageExists(image)) return;
  ctx.log(`dual: pulling ${image}`);
  const display = new PullDisplay(ctx.output.isTTY === true);
  try {
    await ctx.docker.pullImage(image, (event) => {
      const text = display.render(event);
      if (text) ctx.output.write(text);
    });
  } finally {
    ctx.output.write(display.finish());
  }
}
