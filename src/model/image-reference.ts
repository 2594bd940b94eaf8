/** Image references read the way Docker reads them, in one place. */

/**
 * Docker's grammar for an image reference (distribution/reference): an optional registry host
 * (with a port), lowercase path components, an optional tag, an optional digest. Checked before
 * any engine call: the engine answers some malformed names (`a//b`) with a redirect and no
 * message at all.
 */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const REFERENCE = new RegExp(`^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,})?$`);

/** Longer is never valid (a 255-character name, a 128-character tag, a sha512 digest) and not worth matching. */
const MAX_CHARS = 255 + 1 + 128 + 1 + 7 + 128;

export function isImageReference(image: string): boolean {
  return image.length <= MAX_CHARS && REFERENCE.test(image);
}

/**
 * The registry an image reference names, as Docker reads it: the first path component when it
 * looks like a host (has a dot or a port, is `localhost`, or has an uppercase letter), else
 * Docker Hub (`docker.io`).
 */
export function imageRegistry(image: string): string {
  const slash = image.indexOf('/');
  if (slash === -1) return 'docker.io';
  const first = image.slice(0, slash);
  const isHost = /[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase();
  return isHost ? first : 'docker.io';
}
