import { describe, expect, it } from 'vitest';
import { DualError } from '../../src/model/errors.js';
import { toRequest } from '../../workspaces/attached/attach.js';
import { parseCpus, parseMemory } from '../../workspaces/attached/resources.js';
import { NO_SHARES } from '../../workspaces/host-shares.js';
import { attachedContainerSpec, attachedVolumes, type AttachRequest, type AttachTarget } from '../../workspaces/attached/spec.js';

const target: AttachTarget = {
  id: 'shop-feat-x',
  repo: 'shop',
  branch: 'feat/x',
  worktree: '/home/u/.dual/worktrees/shop/feat-x',
  containerId: 'abc123',
  home: '/home/u/.dual',
  git: { commonDir: '/home/u/src/shop/.git', gitDir: '/home/u/src/shop/.git/worktrees/feat-x', privateDir: '/home/u/.dual/state/git/shop-feat-x' },
  workspaceVolumes: [{ name: 'dual-shop-feat-x-v-node-modules', target: '/home/u/.dual/worktrees/shop/feat-x/node_modules' }],
  shares: NO_SHARES,
};
const request: AttachRequest = { name: 'db', image: 'postgres:16', env: { POSTGRES_PASSWORD: 'dev' }, mountWorktree: false, volumes: [] };

describe('attachedContainerSpec', () => {
  it("joins the workspace container's network namespace and publishes nothing", () => {
    const spec = attachedContainerSpec(target, request, { uid: 0, gid: 0 });
    expect(spec.networkMode).toBe('container:abc123');
    expect(spec.publishLoopback).toEqual([]);
    expect(spec.name).toBe('dual-shop-feat-x--db');
    expect(spec.hostname).toBeUndefined();
  });

  it('is labelled so destroy, list and sandbox cleanup find it by label', () => {
    const spec = attachedContainerSpec(target, request, { uid: 0, gid: 0 });
    expect(spec.labels).toMatchObject({
      'dual.workspace': 'shop-feat-x',
      'dual.attached': 'db',
      'dual.repo': 'shop',
      'dual.branch': 'feat/x',
      'dual.home': '/home/u/.dual',
    });
    expect(spec.labels['dual.version']).toBeTypeOf('string');
    expect(spec.labels['dual.ports']).toBeUndefined();
  });

  it('keeps the image command unless one is given, and lets user env override dual env', () => {
    expect(attachedContainerSpec(target, request, { uid: 0, gid: 0 }).cmd).toBeUndefined();
    const spec = attachedContainerSpec(target, { ...request, cmd: ['claude'], env: { DUAL_BRANCH: 'x' } }, { uid: 0, gid: 0 });
    expect(spec.cmd).toEqual(['claude']);
    expect(spec.env).toMatchObject({ DUAL_WORKSPACE: 'shop-feat-x', DUAL_ATTACHED: 'db', DUAL_BRANCH: 'x' });
  });

  it('mounts nothing of the host by default', () => {
    const spec = attachedContainerSpec(target, request, { uid: 1000, gid: 1000 });
    expect(spec.binds).toEqual([]);
    expect(spec.volumes).toEqual([]);
    expect(spec.user).toBeUndefined();
    expect(spec.workingDir).toBe('');
  });

  it('with mountWorktree: worktree and git dir at their own paths, workspace volumes, host user, starts in the worktree', () => {
    const spec = attachedContainerSpec(target, { ...request, mountWorktree: true }, { uid: 1000, gid: 1000 });
    expect(spec.binds[0]).toEqual({ source: target.worktree, target: target.worktree });
    expect(spec.binds).toContainEqual({ source: target.git!.commonDir, target: target.git!.commonDir, readOnly: true });
    expect(spec.volumes).toEqual(target.workspaceVolumes);
    expect(spec.workingDir).toBe(target.worktree);
    expect(spec.user).toBe('1000:1000');
  });

  it('passes memory and CPU limits', () => {
    const spec = attachedContainerSpec(target, { ...request, memoryBytes: parseMemory('512m'), nanoCpus: parseCpus('1.5') }, { uid: 0, gid: 0 });
    expect(spec.memoryBytes).toBe(512 * 1024 * 1024);
    expect(spec.nanoCpus).toBe(1_500_000_000);
  });

  it('names its volumes after the container and labels them with the attached name', () => {
    const [volume] = attachedVolumes(target, { ...request, volumes: ['/var/lib/postgresql/data'] });
    expect(volume).toEqual({
      name: 'dual-shop-feat-x--db-v-var-lib-postgresql-data',
      target: '/var/lib/postgresql/data',
      labels: expect.objectContaining({ 'dual.workspace': 'shop-feat-x', 'dual.attached': 'db', 'dual.repo': 'shop', 'dual.home': '/home/u/.dual', 'dual.volume': '/var/lib/postgresql/data' }),
    });
  });
});

describe('resource limits', () => {
  it('parses Docker-style sizes', () => {
    expect(parseMemory('1g')).toBe(1024 ** 3);
    expect(parseMemory('1.5G')).toBe(1.5 * 1024 ** 3);
    expect(parseMemory('8388608')).toBe(8388608);
    expect(() => parseMemory('1m')).toThrow(/below Docker's minimum of 6m/);
    expect(() => parseMemory('lots')).toThrow(DualError);
  });

  it('parses CPUs', () => {
    expect(parseCpus(2)).toBe(2e9);
    expect(() => parseCpus('0')).toThrow(/at least 0.01/);
    expect(() => parseCpus('many')).toThrow(DualError);
  });
});

describe('toRequest', () => {
  it('refuses published ports with the reason and what to do instead', () => {
    expect(() => toRequest({ ...request, publish: ['5432'] })).toThrow(/share the workspace's network namespace.*"ports" in \.dual\.json/);
  });

  it('refuses names that would not make a valid container name', () => {
    expect(() => toRequest({ ...request, name: 'DB' })).toThrow(/must be 1-32 lowercase/);
    expect(() => toRequest({ ...request, name: 'a--b' })).toThrow(DualError);
  });

  it('treats an empty command as the image default', () => {
    expect(toRequest({ ...request, cmd: [] }).cmd).toBeUndefined();
  });

  it("trusts what the host trusts: the shared CA mount and variables, the caller's env still wins", () => {
    const shares = { binds: [{ source: '/h/.dual/trust', target: '/etc/dual-ca', readOnly: true }], env: { SSL_CERT_FILE: '/etc/dual-ca/ca-certificates.crt', GIT_SSL_CAINFO: '/etc/dual-ca/ca-certificates.crt' } };
    const spec = attachedContainerSpec({ ...target, shares }, { ...request, env: { GIT_SSL_CAINFO: '/own.pem' } }, { uid: 0, gid: 0 });
    expect(spec.binds).toEqual([{ source: '/h/.dual/trust', target: '/etc/dual-ca', readOnly: true }]);
    expect(spec.env.SSL_CERT_FILE).toBe('/etc/dual-ca/ca-certificates.crt');
    expect(spec.env.GIT_SSL_CAINFO).toBe('/own.pem');
  });
});
