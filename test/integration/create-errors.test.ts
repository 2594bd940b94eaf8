import { existsSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { dualOk, runDual } from '../helpers/cli.js';
import { BRANCH_PAGE_CONFIG } from '../helpers/fixtures.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/** Bad input: a clear one-line error, a non-zero exit, and nothing half-made left behind. */
const sandbox = new Sandbox();
const env = sandbox.env;
const docker = new ApiTransport();
const shop = sandbox.repoName('a');

async function containersOf(repo: string): Promise<string[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`dual.repo=${repo}`] }));
  const list = await docker.request<Array<{ Names: string[] }>>('GET', `/containers/json?all=1&filters=${filters}`);
  return list.map((c) => c.Names[0]!.slice(1));
}

async function volumesOf(repo: string): Promise<string[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`dual.repo=${repo}`] }));
  const list = await docker.request<{ Volumes: Array<{ Name: string }> | null }>('GET', `/volumes?filters=${filters}`);
  return (list.Volumes ?? []).map((v) => v.Name);
}

function worktreesOf(dir: string): string[] {
  return git(dir, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice(9));
}

beforeAll(async () => {
  makeRepo(sandbox.path('a'), { '.dual.json': BRANCH_PAGE_CONFIG }, {
    'feat/x': {},
    'bad-key': { '.dual.json': '{"image":"dual-test/busybox","portz":[3000]}' },
    'bad-type': { '.dual.json': '{"image":"dual-test/busybox","ports":"3000"}' },
    'bad-setup': { '.dual.json': JSON.stringify({ ...JSON.parse(BRANCH_PAGE_CONFIG), setup: 'test -f ready || exit 3' }) },
  });
  await dualOk(['add', sandbox.path('a'), '--name', shop], { env });
});
afterAll(async () => {
  await sandbox.cleanup();
  docker.close();
});

describe('dual create refuses bad input and leaves nothing behind', () => {
  it('refuses a second branch that maps to the same id, naming the holder', async () => {
    await dualOk(['create', shop, 'feat/x'], { env });
    git(sandbox.path('a'), 'branch', 'feat-x');
    const r = await runDual(['create', shop, 'feat-x'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `dual: workspace id '${shop}-feat-x' is already taken by repo '${shop}' branch 'feat/x'; use a branch name that differs in more than case or punctuation`,
    );
    expect(await containersOf(shop)).toEqual([`dual-${shop}-feat-x`]);
  });

  it("refuses repo 'a' + branch 'b-c' when repo 'a-b' + branch 'c' holds the id", async () => {
    const a = `a${sandbox.tag}`;
    makeRepo(sandbox.path('a-b'), { '.dual.json': BRANCH_PAGE_CONFIG }, { c: {} });
    makeRepo(sandbox.path('plain-a'), { '.dual.json': BRANCH_PAGE_CONFIG }, { 'b-c': {} });
    await dualOk(['add', sandbox.path('a-b'), '--name', `${a}-b`], { env });
    await dualOk(['add', sandbox.path('plain-a'), '--name', a], { env });
    expect((await dualOk(['create', `${a}-b`, 'c'], { env })).stdout).toContain(`${a}-b-c\t`);
    const r = await runDual(['create', a, 'b-c'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `dual: workspace id '${a}-b-c' is already taken by repo '${a}-b' branch 'c'; use a branch name that differs in more than case or punctuation`,
    );
    expect(worktreesOf(sandbox.path('plain-a'))).toHaveLength(1);
    expect(await containersOf(a)).toEqual([]);
  });

  it('names the file and key of a config error, and keeps no worktree, branch or container', async () => {
    const before = worktreesOf(sandbox.path('a'));
    const r = await runDual(['create', shop, 'bad-key'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dual: .*\/bad-key\/\.dual\.json: unknown key "portz"; known keys are image, ports/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const wrongType = await runDual(['create', shop, 'bad-type'], { env });
    expect(wrongType.stderr).toContain('key "ports": expected array, received string');
    expect(worktreesOf(sandbox.path('a'))).toEqual(before);
    expect(await containersOf(shop)).toEqual([`dual-${shop}-feat-x`]);
    expect(git(sandbox.path('a'), 'branch', '--list', 'bad-key')).toContain('bad-key');
  });

  it('rolls back a branch it created when the image cannot be pulled', async () => {
    const before = worktreesOf(sandbox.path('a'));
    const volumesBefore = await volumesOf(shop);
    const r = await runDual(['create', shop, 'brand-new', '--image', 'no-such-registry.invalid/nothing:1'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dual: cannot pull image no-such-registry\.invalid\/nothing:1: .*; check the name/);
    expect(worktreesOf(sandbox.path('a'))).toEqual(before);
    expect(git(sandbox.path('a'), 'branch', '--list', 'brand-new')).toBe('');
    expect(await volumesOf(shop)).toEqual(volumesBefore);
    expect(existsSync(`${sandbox.home}/worktrees/${shop}/brand-new`)).toBe(false);
  });

  it('passes a failing setup exit code through, keeps the workspace, and retries setup on the next create', async () => {
    const r = await runDual(['create', shop, 'bad-setup'], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`run \`dual create ${shop} bad-setup\` again to retry setup`);
    writeFileSync(`${sandbox.home}/worktrees/${shop}/bad-setup/ready`, '');
    const retry = await runDual(['create', shop, 'bad-setup'], { env });
    expect(retry.code).toBe(0);
    expect(retry.stdout).toContain(`${shop}-bad-setup`);
    const again = await runDual(['create', shop, 'bad-setup'], { env });
    expect(again.stderr).toContain('already exists');
  });

  it('applies changed .dual.json settings on restart, naming them; create then finds the container in sync', async () => {
    const wt = `${sandbox.home}/worktrees/${shop}/feat-x`;
    writeFileSync(`${wt}/.dual.json`, JSON.stringify({ ...JSON.parse(BRANCH_PAGE_CONFIG), ports: [3000, 5173] }));
    // Nothing listens on 5173 in this fixture: do not wait for it.
    const restart = await dualOk(['restart', `${shop}-feat-x`, '--port-timeout', '0'], { env });
    expect(restart.stderr).toContain(`dual: .dual.json changed (ports): recreating the container of ${shop}-feat-x`);
    const inSync = await dualOk(['create', shop, 'feat/x', '--port-timeout', '0'], { env });
    expect(inSync.stderr).not.toContain('recreating');
    writeFileSync(`${wt}/.dual.json`, BRANCH_PAGE_CONFIG);
  });

  it('refuses an unknown repo and an invalid branch name in one line', async () => {
    const unknown = await runDual(['create', 'nope', 'x'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^dual: no repo named 'nope' \(registered: .*\); register it with `dual add <path>`\n$/);
    const badBranch = await runDual(['create', shop, 'a..b'], { env });
    expect(badBranch.stderr).toBe("dual: 'a..b' is not a valid git branch name; choose another branch name\n");
  });

  it('two creates of the same workspace at once both succeed with one container', async () => {
    git(sandbox.path('a'), 'branch', 'same');
    const [one, two] = await Promise.all([runDual(['create', shop, 'same'], { env }), runDual(['create', shop, 'same'], { env })]);
    expect([one.code, two.code]).toEqual([0, 0]);
    expect((await containersOf(shop)).filter((n) => n === `dual-${shop}-same`)).toHaveLength(1);
  });

  it('says clearly when no Docker engine answers', async () => {
    const r = await runDual(['exec', `${shop}-feat-x`, '--', 'true'], { env: { ...env, DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(r.code).toBe(125);
    expect(r.stderr).toBe('dual: cannot reach the Docker engine at /nonexistent.sock: start Docker (or set DOCKER_HOST) and try again\n');
    const list = await runDual(['list'], { env: { ...env, DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(list.code).toBe(1);
    expect(list.stderr).toContain('cannot reach the Docker engine');
  });
});
