import { describe, expect, it } from 'vitest';
import { dualJsonSchema, type WorkspaceConfig } from '../../src/adapters/config/dual-json.js';

/** A .dual.json as a container is made from it: volumes decided (node_modules when absent, as on Docker Desktop). */
function parsed(raw: unknown): WorkspaceConfig {
  const config = dualJsonSchema.parse(raw);
  return { ...config, volumes: config.volumes ?? ['node_modules'] };
}
import { workspaceContainerSpec } from '../../workspaces/container-spec.js';
import { ENTRY_SCRIPT } from '../../workspaces/entry.js';
import { NO_SHARES } from '../../workspaces/host-shares.js';

const git = { commonDir: '/code/shop/.git', gitDir: '/code/shop/.git/worktrees/feat-x', privateDir: '/h/.dual/state/git/shop-feat-x' };
const identity = { id: 'shop-feat-x', repo: 'shop', branch: 'feat/x', worktree: '/h/.dual/worktrees/shop/feat-x', git, home: '/h/.dual' };

describe('workspace container spec', () => {
  it('mounts the worktree and the git dir at their host paths and works in the worktree', () => {
    const spec = workspaceContainerSpec(identity, parsed({}), 'node:22', { uid: 1000, gid: 1000 }, NO_SHARES);
    expect(spec.binds[0]).toEqual({ source: identity.worktree, target: identity.worktree });
    expect(spec.binds).toContainEqual({ source: '/code/shop/.git', target: '/code/shop/.git', readOnly: true });
    // the entry script's setup record, this workspace's directory only
    expect(spec.binds).toContainEqual({ source: '/h/.dual/state/workspaces/shop-feat-x', target: '/run/dual-state' });
    expect(spec.workingDir).toBe(identity.worktree);
    expect(spec.volumes).toEqual([{ name: 'dual-shop-feat-x-v-node-modules', target: `${identity.worktree}/node_modules` }]);
  });

  it("mounts the repo checkout's own .git read-only over the worktree, objects and refs writable", () => {
    const main = { ...identity, worktree: '/code/shop', git: { ...git, gitDir: '/code/shop/.git' } };
    expect(workspaceContainerSpec(main, parsed({}), 'i', { uid: 0, gid: 0 }, NO_SHARES).binds).toEqual([
      { source: '/code/shop', target: '/code/shop' },
      { source: '/code/shop/.git', target: '/code/shop/.git', readOnly: true },
      { source: '/code/shop/.git/objects', target: '/code/shop/.git/objects' },
      { source: '/code/shop/.git/refs', target: '/code/shop/.git/refs' },
      { source: '/code/shop/.git/logs', target: '/code/shop/.git/logs' },
      { source: '/h/.dual/state/workspaces/shop-feat-x', target: '/run/dual-state' },
    ]);
  });

  it('runs as the host user when not root, with a writable HOME; as the image user when root', () => {
    const asUser = workspaceContainerSpec(identity, parsed({}), 'i', { uid: 1000, gid: 100 }, NO_SHARES);
    expect(asUser.user).toBe('1000:100');
    expect(asUser.env.HOME).toBe('/tmp');
    const asRoot = workspaceContainerSpec(identity, parsed({}), 'i', { uid: 0, gid: 0 }, NO_SHARES);
    expect(asRoot.user).toBeUndefined();
    expect(asRoot.env.HOME).toBeUndefined();
  });

  it('labels the container with the contract, the entry protocol and the shaping settings', () => {
    const spec = workspaceContainerSpec(identity, parsed({ ports: [3000, 5173], hostHeader: 'localhost' }), 'i', { uid: 0, gid: 0 }, NO_SHARES);
    expect(spec.labels).toMatchObject({
      'dual.workspace': 'shop-feat-x',
      'dual.repo': 'shop',
      'dual.branch': 'feat/x',
      'dual.worktree': identity.worktree,
      'dual.ports': '3000,5173',
      'dual.host-rewrite': 'localhost',
      'dual.home': '/h/.dual',
      'dual.entry': '1',
    });
    expect(JSON.parse(spec.labels['dual.config']!)).toMatchObject({ image: 'node:22', ports: [3000, 5173], setup: null, attached: {} });
    expect(spec.labels['dual.version']).toBeTruthy();
    expect(spec.init).toBe(true);
    expect(spec.hostname).toBe('shop-feat-x');
    expect(spec.publishLoopback).toEqual([3000, 5173]);
    expect(spec.networkMode).toBe('dual-workspaces');
  });

  it("runs dual's entry script (setup, then start) as the main process, with the repo env over dual defaults", () => {
    const config = parsed({ setup: 'npm ci', start: 'npm run dev', env: { NODE_ENV: 'development' } });
    const spec = workspaceContainerSpec(identity, config, 'i', { uid: 0, gid: 0 }, NO_SHARES);
    expect(spec.cmd).toEqual(['sh', '-c', ENTRY_SCRIPT, 'dual-entry', 'npm ci', 'npm run dev', `${identity.worktree}/node_modules`]);
    expect(workspaceContainerSpec(identity, parsed({}), 'i', { uid: 0, gid: 0 }, NO_SHARES).cmd!.slice(3, 6)).toEqual(['dual-entry', '', '']);
    expect(spec.env).toMatchObject({ NODE_ENV: 'development', DUAL_WORKSPACE: 'shop-feat-x', DUAL_BRANCH: 'feat/x' });
  });

  it("mounts what the host lends (read-only CA dir, npm cache) and lets the repo's env override its variables", () => {
    const shares = {
      binds: [
        { source: '/h/.dual/trust', target: '/etc/dual-ca', readOnly: true },
        { source: '/h/.dual/cache/npm', target: '/var/cache/dual/npm' },
      ],
      env: { NODE_EXTRA_CA_CERTS: '/etc/dual-ca/ca-certificates.crt', npm_config_cache: '/var/cache/dual/npm' },
    };
    const spec = workspaceContainerSpec(identity, parsed({ env: { npm_config_cache: '/mine' } }), 'i', { uid: 0, gid: 0 }, shares);
    expect(spec.binds).toEqual(expect.arrayContaining(shares.binds));
    expect(spec.env.NODE_EXTRA_CA_CERTS).toBe('/etc/dual-ca/ca-certificates.crt');
    expect(spec.env.npm_config_cache).toBe('/mine');
  });
});
