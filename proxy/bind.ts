import { isIP } from 'node:net';
import { DualError } from '../src/model/errors.js';

function isLoopbackAddress(address: string): boolean {
  if (address === 'localhost' || address === '::1') return true;
  return isIP(address) === 4 && address.startsWith('127.');
}

/** Anything but loopback exposes every workspace's dev server to the network: opt-in only. */
export function checkBind(addresses: readonly string[], allowRemote: boolean): { remote: string[] } {
  if (addresses.length === 0) throw new DualError('no bind address given; use --bind 127.0.0.1 (the default)');
  const remote = addresses.filter((a) => !isLoopbackAddress(a));
  if (remote.length > 0 && !allowRemote) {
    throw new DualError(
      `binding ${remote.join(', ')} would expose every workspace to the network; pass --allow-remote if that is what you want`,
    );
  }
  return { remote };
}
