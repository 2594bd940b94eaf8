import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { dualOk, runDual } from '../helpers/cli.js';
import { BRANCH_PAGE_CONFIG } from '../helpers/fixtures.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/** `dual destroy`: removes what dual made, refuses while work would be lost, never deletes the branch. */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('d');
const docker = new ApiTransport();
const worktree = (branch: string) => `${sandbox.home}/worktrees/${repo}/${branch}`;

async function labelled(kind: 'containers' | 'volumes', id: string): Promise<number> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`dual.workspace=${id}`] }));
  if (kind === 'containers') return (await docker.request<unknown[]>('GET', `/containers/json?all=1&filters=${filters}`)).length;
  return ((await docker.request<{ Volumes: unknown[] | null }>('GET', `/volumes?filters=${filters}`)).Volumes ?? []).length;
}

beforeAll(async () => {
  // A node_modules volume (the default where host and engine differ), so destroy has one to remove.
  const config = JSON.stringify({ ...JSON.parse(BRANCH_PAGE_CONFIG), volumes: ['node_modules'] });
  makeRepo(sandbox.path('d'), { '.dual.json': config }, { dirty: {}, ahead: {}, clean: {} });
  // `ahead` has commits on no other branch (its own plus one made in the worktree); the others are copied to keep-* branches.
  await dualOk(['add', sandbox.path('d'), '--name', repo], { env });
  for (const branch of ['dirty', 'ahead', 'clean']) await dualOk(['create', repo, branch], { env });
  git(sandbox.path('d'), 'branch', '-f', 'keep-dirty', 'dirty');
  git(sandbox.path('d'), 'branch', '-f', 'keep-clean', 'clean');
  writeFileSync(`${worktree('ahead')}/new.txt`, 'work');
  git(worktree('ahead'), 'add', 'new.txt');
  git(worktree('ahead'), 'commit', '-q', '-m', 'unpushed work');
});
afterAll(async () => {
  await sandbox.cleanup();
  docker.close();
});

describe('dual destroy', () => {
  it('refuses while the worktree has uncommitted changes, naming them, and keeps everything', async () => {
    writeFileSync(`${worktree('dirty')}/notes.txt`, 'unsaved');
    const r = await runDual(['destroy', `${repo}-dirty`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `dual: workspace '${repo}-dirty' has uncommitted changes (notes.txt) in ${worktree('dirty')}; commit or stash them, or destroy with --force\n`,
    );
    expect(existsSync(`${worktree('dirty')}/notes.txt`)).toBe(true);
    expect(await labelled('containers', `${repo}-dirty`)).toBe(1);
  });

  it('refuses while the branch has commits on no other branch or remote', async () => {
    const r = await runDual(['destroy', `${repo}-ahead`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dual: branch 'ahead' has 2 commits on no other branch or remote \(latest: [0-9a-f]+ unpushed work\); push or merge it, or destroy with --force/);
    expect(existsSync(worktree('ahead'))).toBe(true);
  });

  it('removes container, volumes and worktree of a clean workspace, and keeps the branch', async () => {
    const id = `${repo}-clean`;
    expect(await labelled('volumes', id)).toBe(1);
    const r = await dualOk(['destroy', id, '--json'], { env });
    expect(JSON.parse(r.stdout)).toEqual({ id, removedContainers: 1, removedVolumes: 1, removedWorktree: worktree('clean') });
    expect(await labelled('containers', id)).toBe(0);
    expect(await labelled('volumes', id)).toBe(0);
    expect(existsSync(worktree('clean'))).toBe(false);
    expect(git(sandbox.path('d'), 'branch', '--list', 'clean')).toContain('clean');
  });

  it('--force overrides both refusals and still keeps the branches and their commits', async () => {
    await dualOk(['destroy', `${repo}-dirty`, '--force'], { env });
    await dualOk(['destroy', `${repo}-ahead`, '--force'], { env });
    expect(existsSync(worktree('dirty'))).toBe(false);
    expect(git(sandbox.path('d'), 'log', '-1', '--format=%s', 'ahead')).toBe('unpushed work');
  });

  it('lists a workspace whose container has gone as such, and destroy cleans it up', async () => {
    git(sandbox.path('d'), 'branch', 'orphan');
    await dualOk(['create', repo, 'orphan'], { env });
    await docker.request('DELETE', `/containers/dual-${repo}-orphan?force=1`);
    const list = JSON.parse((await dualOk(['list', '--json'], { env })).stdout) as Array<{ id: string; state: string }>;
    expect(list.find((w) => w.id === `${repo}-orphan`)?.state).toBe('container missing');
    await dualOk(['destroy', `${repo}-orphan`], { env });
    expect(existsSync(worktree('orphan'))).toBe(false);
    expect(await labelled('volumes', `${repo}-orphan`)).toBe(0);
  });

  it('shows a workspace whose worktree was deleted by hand as such, and destroy lets git forget it', async () => {
    git(sandbox.path('d'), 'branch', 'lost');
    await dualOk(['create', repo, 'lost'], { env });
    rmSync(worktree('lost'), { recursive: true, force: true });
    const list = JSON.parse((await dualOk(['list', '--json'], { env })).stdout) as Array<{ id: string; state: string }>;
    expect(list.find((w) => w.id === `${repo}-lost`)?.state).toBe('worktree missing');
    const exec = await runDual(['exec', `${repo}-lost`, '--', 'true'], { env });
    expect(exec.code).toBe(125);
    expect(exec.stderr).toBe(`dual: workspace '${repo}-lost' has lost its worktree ${worktree('lost')}; remove it with \`dual destroy ${repo}-lost\`\n`);
    await dualOk(['destroy', `${repo}-lost`], { env });
    expect(await labelled('containers', `${repo}-lost`)).toBe(0);
    expect(git(sandbox.path('d'), 'worktree', 'list')).not.toContain('/lost');
    // The branch can have a workspace again.
    await dualOk(['create', repo, 'lost'], { env });
    expect(existsSync(worktree('lost'))).toBe(true);
  });

  it('refuses an unknown workspace in one line', async () => {
    const r = await runDual(['destroy', 'no-such-ws'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("dual: no workspace 'no-such-ws'; see `dual list` for the workspaces there are\n");
  });
});
