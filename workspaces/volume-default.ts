import { loadDualJson, type WorkspaceConfig } from '../src/adapters/config/dual-json.js';
import type { EngineFacts } from '../src/adapters/docker/engine.js';
import type { Context } from '../src/adapters/context.js';

/**
 * Where `node_modules` lives when `.dual.json` does not say (`volumes` absent).
 *
 * In a named volume the container's install is invisible to the host: the worktree holds an
 * empty, root-owned `node_modules`, so TypeScript and ESLint in the user's editor find
 * nothing. Where host and container share OS and architecture (Linux with a native engine)
 * the container's `node_modules` works on the host too (same native binaries), so it stays in
 * the worktree, as if installed on the host. Where they differ (Docker Desktop, macOS,
 * Windows: another OS, or a VM whose file sharing makes a bind-mounted `node_modules`
 * slow) native modules built in the container would not load on the host anyway, and the
 * volume keeps installs fast. A repo that wants either sets `volumes` itself.
 */
export function defaultVolumes(host: { platform: NodeJS.Platform; arch: string }, engine: EngineFacts): string[] {
  const shared = host.platform === 'linux' && engine.os === 'linux' && !engine.dockerDesktop && sameArch(host.arch, engine.arch);
  return shared ? [] : ['node_modules'];
}

/** Node's names (process.arch) against Docker's (GOARCH). */
function sameArch(node: string, docker: string): boolean {
  const asDocker: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return (asDocker[node] ?? node) === (docker === 'aarch64' ? 'arm64' : docker);
}

/** A worktree's `.dual.json` with `volumes` decided: what a workspace container is made from. */
export async function workspaceConfig(ctx: Context, worktree: string): Promise<WorkspaceConfig> {
  const config = loadDualJson(worktree);
  if (config.volumes) return { ...config, volumes: config.volumes };
  return { ...config, volumes: defaultVolumes({ platform: process.platform, arch: process.arch }, await ctx.docker.engineFacts()) };
}
