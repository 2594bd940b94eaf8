import type { Context } from '../src/adapters/context.js';
import { DualError } from '../src/model/errors.js';
import { isImageReference } from '../src/model/image-reference.js';
import { PullDisplay } from './pull-display.js';

/**
 * Pulls the image when missing, with a progress display on stderr (pull-display.ts). Aborting
 * `signal` (Ctrl-C during `dual create`) stops the pull in the engine too; the pull then fails.
 */
export async function ensureImage(ctx: Context, image: string, signal?: AbortSignal): Promise<void> {
  if (!isImageReference(image)) {
    throw new DualError(`'${image}' is not a valid image reference ([registry[:port]/]name[:tag], lowercase name); fix the image in .dual.json or --image`);
  }
  if (await ctx.docker.imageExists(image)) return;
  ctx.log(`dual: pulling ${image}`);
  const display = new PullDisplay(ctx.output.isTTY === true);
  try {
    await ctx.docker.pullImage(image, (event) => {
      const text = display.render(event);
      if (text) ctx.output.write(text);
    }, signal);
  } finally {
    ctx.output.write(display.finish());
  }
}
