import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { DUAL_BIN } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * A non-root user's files stay theirs: the container runs as the caller's uid:gid, and
 * named volumes (node_modules) are handed to that user. As root, the suite runs dual as an
 * unprivileged uid (setpriv, with the docker group for the socket); as a normal user, as itself.
 */
const sandbox = new Sandbox();
const repo = sandbox.repoName('u');
const isRoot = process.getuid?.() === 0;
const uid = isRoot ? 4321 : process.getuid!();
const gid = isRoot ? 4321 : process.getgid!();

function dualAsUser(...args: string[]): string {
  const env = { ...process.env, ...sandbox.env, HOME: sandbox.path('home-dir') };
  const node = process.execPath;
  if (!isRoot) return execFileSync(node, [DUAL_BIN, ...args], { env, encoding: 'utf8' });
  const dockerGid = execFileSync('getent', ['group', 'docker'], { encoding: 'utf8' }).split(':')[2]!;
  return execFileSync('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, `--groups=${dockerGid}`, node, DUAL_BIN, ...args], {
    env,
    encoding: 'utf8',
  });
}

function chownTree(path: string): void {
  execFileSync('chown', ['-R', `${uid}:${gid}`, path]);
}

beforeAll(() => {
  makeRepo(sandbox.path('u'), { '.dual.json': JSON.stringify({ image: 'dual-test/busybox', volumes: ['node_modules'] }) }, {
    feat: {},
    // No "volumes": on Linux with a native engine node_modules stays in the worktree.
    plain: { '.dual.json': JSON.stringify({ image: 'dual-test/busybox' }) },
  });
  mkdirSync(sandbox.path('home-dir'));
  writeFileSync(`${sandbox.home}/config.json`, JSON.stringify({ proxy: { autoStart: false } }));
  if (isRoot) {
    chownSync(sandbox.root, uid, gid);
    chownTree(sandbox.root);
  }
  dualAsUser('add', sandbox.path('u'), '--name', repo);
  dualAsUser('create', repo, 'feat');
  dualAsUser('create', repo, 'plain');
});
afterAll(() => sandbox.cleanup());

describe('workspaces of a non-root user', () => {
  it("runs the container's processes as the host user's uid:gid", () => {
    expect(dualAsUser('exec', `${repo}-feat`, '--', 'id', '-u').trim()).toBe(String(uid));
    expect(dualAsUser('exec', `${repo}-feat`, '--', 'id', '-g').trim()).toBe(String(gid));
  });

  it('leaves files written inside owned by that user on the host', () => {
    dualAsUser('exec', `${repo}-feat`, '--', 'sh', '-c', 'echo hi > made-inside.txt');
    const stat = statSync(`${sandbox.home}/worktrees/${repo}/feat/made-inside.txt`);
    expect([stat.uid, stat.gid]).toEqual([uid, gid]);
  });

  it('gives the node_modules volume to that user, and a writable HOME', () => {
    const out = dualAsUser('exec', `${repo}-feat`, '--', 'sh', '-c', 'touch node_modules/ok && touch "$HOME/ok" && echo written');
    expect(out.trim()).toBe('written');
  });

  it("keeps node_modules in the worktree by default on Linux: the host's editor sees what the container installed, owned by the user", async () => {
    dualAsUser('exec', `${repo}-plain`, '--', 'sh', '-c', 'mkdir -p node_modules/left-pad && echo "module.exports = 1" > node_modules/left-pad/index.js');
    const file = `${sandbox.home}/worktrees/${repo}/plain/node_modules/left-pad/index.js`;
    expect(readFileSync(file, 'utf8')).toBe('module.exports = 1\n');
    expect([statSync(file).uid, statSync(file).gid]).toEqual([uid, gid]);
    const docker = new ApiTransport();
    const filters = encodeURIComponent(JSON.stringify({ label: [`dual.workspace=${repo}-plain`] }));
    const volumes = await docker.request<{ Volumes: unknown[] | null }>('GET', `/volumes?filters=${filters}`);
    docker.close();
    expect(volumes.Volumes ?? []).toEqual([]);
  });
});
