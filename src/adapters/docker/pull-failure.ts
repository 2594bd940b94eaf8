import { DualError } from '../../model/errors.js';
import { imageRegistry } from '../../model/image-reference.js';
import { shellCommand } from '../../model/shell-quote.js';

/**
 * One line for a failed pull, from the engine's message (an HTTP error before the stream, or
 * the `error` of a progress event), saying what to do. The engine's wording is matched as the
 * reference registry (distribution 2.8) and Docker Hub give it through engine 20.10+; anything
 * else keeps the engine's own first line.
 */
export function pullFailure(image: string, engineMessage: string): DualError {
  const reason = engineMessage.split('\n')[0]!.trim();
  const registry = imageRegistry(image);
  const login = shellCommand(registry === 'docker.io' ? ['docker', 'login'] : ['docker', 'login', registry]);
  const prefix = `cannot pull image ${image}`;
  if (/pull access denied|may require 'docker login'/i.test(reason)) {
    return new DualError(`${prefix}: it does not exist or needs a login; check the name, or log in with: ${login}`);
  }
  if (/no basic auth credentials|unauthorized|authentication required|denied|incorrect username or password/i.test(reason)) {
    return new DualError(`${prefix}: ${registry} refused access (${shortReason(reason)}); log in with: ${login}, then run again`);
  }
  if (/manifest unknown|not found: manifest|name unknown|repository name not known/i.test(reason)) {
    return new DualError(`${prefix}: ${registry} has no such image or tag; check the name and tag`);
  }
  if (/invalid reference format/i.test(reason)) {
    return new DualError(`${prefix}: not a valid image reference (${shortReason(reason)}); check the name`);
  }
  if (/no such host/i.test(reason)) {
    return new DualError(`${prefix}: ${registry} cannot be found (no such host); check the name and your network`);
  }
  if (/connection refused|connection reset|EOF|i\/o timeout|dial tcp|TLS handshake timeout|deadline exceeded|download failed|broken pipe|network is unreachable/i.test(reason)) {
    return new DualError(`${prefix}: the connection to ${registry} failed (${shortReason(reason)}); check your network and run again`);
  }
  return new DualError(`${prefix}: ${reason}; check the name, your network, or build it locally`);
}

/** The engine's innermost cause: `Head "http://...": no basic auth credentials` -> `no basic auth credentials`. */
function shortReason(reason: string): string {
  const parts = reason.split(': ').filter((part) => !/^(Get|Head|Post) "/.test(part));
  return parts.at(-1)?.trim() || reason;
}
