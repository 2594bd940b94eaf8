import { LIMITS } from '../src/adapters/config/dual-json-limits.js';

/**
 * Which of the ports workspaces declare (label dual.ports) the proxy may open by itself.
 * A branch chooses its ports, so a port below 1024 (80, 22, ...) is never opened because a
 * workspace asked: `.dual.json` refuses them, and a label carrying one anyway (an older dual,
 * a container made by hand) is ignored here. The user can still pin any port with
 * `proxy.ports` or `--port`, which bypasses this.
 */
export function portsToOpen(declared: readonly number[]): { open: number[]; refused: number[] } {
  return {
    open: declared.filter((port) => port >= LIMITS.firstUnprivilegedPort),
    refused: declared.filter((port) => port < LIMITS.firstUnprivilegedPort),
  };
}
