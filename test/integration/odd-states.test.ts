import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { dualOk, runDual } from '../helpers/cli.js';
import { branchPageConfig } from '../helpers/fixtures.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/** Odd states dual must handle without losing anything or leaving debris (issue 8, finding 12). */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('o');
const repoPath = sandbox.path('o');
const worktree = (branch: string) => join(sandbox.home, 'worktrees', repo, branch);

beforeAll(async () => {
  makeRepo(repoPath, { '.dual.json': branchPageConfig(3000) }, { 'on-4000': { '.dual.json': branchPageConfig(4000) } });
  await dualOk(['add', repoPath, '--name', repo], { env });
});
afterAll(() => sandbox.cleanup());

describe('odd states', () => {
  it("recreates a worktree deleted by hand, with the branch's own .dual.json and no false drift warning", async () => {
    await dualOk(['create', repo, 'on-4000'], { env });
    rmSync(worktree('on-4000'), { recursive: true, force: true });
    const again = await dualOk(['create', repo, 'on-4000'], { env });
    expect(again.stderr).toContain(`dual: the worktree ${worktree('on-4000')} was deleted; making it again`);
    expect(again.stderr).not.toContain('changed');
    expect(again.stdout).toContain(`http://${repo}-on-4000.localhost:4000`);
    const listed = JSON.parse((await dualOk(['list', '--json'], { env })).stdout) as Array<{ id: string; state: string; ports: number[] }>;
    expect(listed.find((w) => w.id === `${repo}-on-4000`)).toMatchObject({ state: 'running', ports: [4000] });
    await dualOk(['destroy', `${repo}-on-4000`, '--force'], { env });
  });

  it('leaves no new branch behind when git worktree add fails after making it', async () => {
    // A folder already holding files where the worktree should go: git creates the branch, then fails.
    mkdirSync(worktree('blocked'), { recursive: true });
    writeFileSync(join(worktree('blocked'), 'stray.txt'), 'left here');
    const r = await runDual(['create', repo, 'blocked'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dual: git worktree add failed: .*already exists/);
    expect(git(repoPath, 'branch', '--list', 'blocked')).toBe('');
    rmSync(worktree('blocked'), { recursive: true });
  });

  it("works with a repo whose path holds ':' (Docker's bind syntax would split it)", async () => {
    const colonPath = sandbox.path('with:colon');
    const colonRepo = sandbox.repoName('c');
    makeRepo(colonPath, { '.dual.json': JSON.stringify({ image: 'dual-test/busybox' }) });
    await dualOk(['add', colonPath, '--name', colonRepo], { env });
    await dualOk(['create', colonRepo, 'feat'], { env });
    const r = await dualOk(['exec', `${colonRepo}-feat`, '--', 'cat', `${colonPath}/.git/HEAD`], { env });
    expect(r.stdout).toBe('ref: refs/heads/main\n');
    await dualOk(['destroy', `${colonRepo}-feat`], { env });
  });

  it('gives a symlinked DUAL_HOME the same safety checks as a real one', async () => {
    const link = sandbox.path('home-link');
    symlinkSync(sandbox.home, link);
    const viaLink = { DUAL_HOME: link };
    await dualOk(['create', repo, 'linked'], { env: viaLink });
    writeFileSync(join(worktree('linked'), 'unsaved.txt'), 'work');
    const refused = await runDual(['destroy', `${repo}-linked`], { env: viaLink });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('uncommitted changes (unsaved.txt)');
    rmSync(join(worktree('linked'), 'unsaved.txt'));
    const done = await dualOk(['destroy', `${repo}-linked`, '--json'], { env: viaLink });
    expect(JSON.parse(done.stdout)).toMatchObject({ removedWorktree: worktree('linked') });
  });

  it("prunes the private git files of a workspace whose container was removed by hand", async () => {
    await dualOk(['create', repo, 'orphan'], { env });
    const gitFiles = join(sandbox.home, 'state', 'git', `${repo}-orphan`);
    expect(existsSync(gitFiles)).toBe(true);
    const docker = new ApiTransport();
    try {
      await docker.request('DELETE', `/containers/dual-${repo}-orphan?force=1`);
    } finally {
      docker.close();
    }
    await dualOk(['prune'], { env });
    expect(existsSync(gitFiles)).toBe(false);
    await dualOk(['destroy', `${repo}-orphan`], { env });
  });
});
