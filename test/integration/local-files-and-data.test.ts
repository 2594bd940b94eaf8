import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dualOk, runDual } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Issue 11, items 2 and 3 through the real CLI on the real engine: `copy` brings the main
 * checkout's local files into a new worktree (never overwriting, never following a link out),
 * destroy tells an unchanged copy from work; `--data-from` clones a database-like attached
 * container's volume (busybox httpd serving files from /data) into a new branch.
 */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('lf');
const other = sandbox.repoName('lo');
const repoPath = sandbox.path('lf');
const worktree = (branch: string) => join(sandbox.home, 'worktrees', repo, branch);
const id = (branch: string) => `${repo}-${branch}`;

// The "database": a file-backed server on the workspace's localhost:5432, its data in a named volume.
const CONFIG = {
  image: 'dual-test/busybox',
  copy: ['.env', 'certs/', 'absent.txt'],
  seed: { node_modules: ['package-lock.json'] },
  attached: { db: { image: 'dual-test/busybox', command: 'mkdir -p /data && exec httpd -f -p 5432 -h /data', volumes: ['/data'] } },
};

beforeAll(async () => {
  makeRepo(
    repoPath,
    { '.dual.json': JSON.stringify(CONFIG), '.gitignore': '.env\ncerts/\nnode_modules/\n' },
    {
      tracked: {},
      'asks-more': { '.dual.json': JSON.stringify({ ...CONFIG, copy: [...CONFIG.copy, 'secrets/prod.key'] }) },
      'no-db': { '.dual.json': JSON.stringify({ ...CONFIG, attached: {} }) },
      'other-db': { '.dual.json': JSON.stringify({ ...CONFIG, attached: { store: CONFIG.attached.db } }) },
    },
  );
  git(repoPath, 'checkout', '-q', 'tracked');
  writeFileSync(join(repoPath, '.env'), 'KEY=from-the-branch\n');
  git(repoPath, 'add', '-f', '.env');
  git(repoPath, 'commit', '-q', '-m', 'branch commits its own .env');
  git(repoPath, 'checkout', '-q', 'main');
  // The user's local files in the main checkout, which git does not carry.
  writeFileSync(join(repoPath, '.env'), 'KEY=local-secret\n');
  mkdirSync(join(repoPath, 'certs'));
  writeFileSync(join(repoPath, 'certs', 'dev.pem'), 'PEM');
  symlinkSync('dev.pem', join(repoPath, 'certs', 'current.pem'));
  symlinkSync('/etc/shadow', join(repoPath, 'certs', 'host.pem'));
  await dualOk(['add', repoPath, '--name', repo], { env });
  makeRepo(sandbox.path('lo'), { '.dual.json': JSON.stringify({ image: 'dual-test/busybox' }) });
  await dualOk(['add', sandbox.path('lo'), '--name', other], { env });
}, 120_000);
afterAll(() => sandbox.cleanup(), 120_000);

describe('copy: local files from the main checkout', () => {
  it('copies .env and certs/ into a new worktree, links only when they stay inside, and says so', async () => {
    const r = await dualOk(['create', repo, 'feat-a'], { env });
    expect(r.stderr).toContain(`dual: copied .env, certs from ${repoPath}`);
    expect(r.stderr).toContain('certs/host.pem (a symlink leading outside)');
    expect(readFileSync(join(worktree('feat-a'), '.env'), 'utf8')).toBe('KEY=local-secret\n');
    expect(readFileSync(join(worktree('feat-a'), 'certs', 'dev.pem'), 'utf8')).toBe('PEM');
    expect(lstatSync(join(worktree('feat-a'), 'certs', 'current.pem')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(worktree('feat-a'), 'certs', 'host.pem'))).toBe(false);
    expect(existsSync(join(worktree('feat-a'), 'absent.txt'))).toBe(false);
  });

  it("never overwrites what the branch has (its committed .env stays)", async () => {
    const r = await dualOk(['create', repo, 'tracked'], { env });
    expect(readFileSync(join(worktree('tracked'), '.env'), 'utf8')).toBe('KEY=from-the-branch\n');
    expect(r.stderr).toContain('.env (already in the worktree)');
  });

  it("takes the list from the main checkout's .dual.json: a branch asking for more gets only that, and is told", async () => {
    mkdirSync(join(repoPath, 'secrets'), { recursive: true });
    writeFileSync(join(repoPath, 'secrets', 'prod.key'), 'do not hand out');
    const r = await dualOk(['create', repo, 'asks-more'], { env });
    expect(r.stderr).toContain(`dual: copy: secrets/prod.key not copied: the list is read from the main checkout's .dual.json (${repoPath}), so a branch cannot choose which of your local files it receives; add them there\n`);
    expect(existsSync(join(worktree('asks-more'), 'secrets', 'prod.key'))).toBe(false);
    expect(readFileSync(join(worktree('asks-more'), '.env'), 'utf8')).toBe('KEY=local-secret\n');
  });

  it('destroy deletes unchanged copies without --force and refuses a changed one', async () => {
    await dualOk(['create', repo, 'feat-b'], { env });
    writeFileSync(join(worktree('feat-b'), '.env'), 'KEY=edited-in-the-branch\n');
    const refused = await runDual(['destroy', id('feat-b')], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/has ignored files that may hold work \(\.env\)/);
    expect(existsSync(join(worktree('feat-b'), '.env'))).toBe(true);

    await dualOk(['destroy', id('feat-a')], { env });
    expect(existsSync(worktree('feat-a'))).toBe(false);
  });

  it('refuses a copy path with .. in one line, making nothing', async () => {
    writeFileSync(join(repoPath, '.dual.json'), JSON.stringify({ ...CONFIG, copy: ['../outside.txt'] }));
    try {
      const r = await runDual(['create', repo, 'bad-copy'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`dual: ${join(repoPath, '.dual.json')}: key "copy.0": expected a relative path inside the worktree (no leading / and no ..)\n`);
      expect(existsSync(worktree('bad-copy'))).toBe(false);
    } finally {
      writeFileSync(join(repoPath, '.dual.json'), JSON.stringify(CONFIG));
    }
  });

  it('says a seed key file is missing, and creates the workspace without a seed', async () => {
    const r = await dualOk(['create', repo, 'no-lock'], { env });
    expect(r.stderr).toContain('dual: seed node_modules: not seeded: key file package-lock.json is missing; commit it, or fix "seed" in .dual.json\n');
  });
});

describe('--data-from: a branch starts with another branch\'s data', () => {
  it("clones the source's attached volume; the source keeps its data and runs again", async () => {
    await dualOk(['attached', 'exec', id('no-lock'), 'db', '--', 'sh', '-c', 'echo order-42 > /data/rows'], { env });
    const r = await dualOk(['create', repo, 'with-data', '--data-from', id('no-lock')], { env });
    expect(r.stderr).toContain(`dual: copied the data of db (/data) from ${id('no-lock')}`);
    // Through the new workspace's own localhost, as its app would ask its database.
    const read = await dualOk(['exec', id('with-data'), '--', 'wget', '-qO-', 'http://localhost:5432/rows'], { env });
    expect(read.stdout).toBe('order-42\n');
    const source = await dualOk(['exec', id('no-lock'), '--', 'wget', '-qO-', 'http://localhost:5432/rows'], { env });
    expect(source.stdout).toBe('order-42\n');
    // A copy, not a share: writing the new branch's data leaves the source's alone.
    await dualOk(['attached', 'exec', id('with-data'), 'db', '--', 'sh', '-c', 'echo changed > /data/rows'], { env });
    expect((await dualOk(['attached', 'exec', id('no-lock'), 'db', '--', 'cat', '/data/rows'], { env })).stdout).toBe('order-42\n');
  });

  it('refuses an unknown workspace and one of another repo in one line, making nothing', async () => {
    const unknown = await runDual(['create', repo, 'x1', '--data-from', 'no-such-ws'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("dual: --data-from: no workspace 'no-such-ws' in this DUAL_HOME; see `dual list` for the workspaces there are\n");
    expect(existsSync(worktree('x1'))).toBe(false);

    await dualOk(['create', other, 'main'], { env });
    const foreign = await runDual(['create', repo, 'x2', '--data-from', `${other}-main`], { env });
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toBe(`dual: --data-from: workspace '${other}-main' is of repo '${other}', not '${repo}'; data is copied only between branches of one repo\n`);
    expect(existsSync(worktree('x2'))).toBe(false);

    const home2 = sandbox.path('home2');
    mkdirSync(home2);
    writeFileSync(join(home2, 'config.json'), JSON.stringify({ proxy: { autoStart: false } }));
    await dualOk(['add', repoPath, '--name', repo], { env: { DUAL_HOME: home2 } });
    await dualOk(['create', repo, 'main'], { env: { DUAL_HOME: home2 } });
    const elsewhere = await runDual(['create', repo, 'x3', '--data-from', id('main')], { env });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toBe(`dual: --data-from: workspace '${id('main')}' belongs to another dual installation (DUAL_HOME=${home2}); data is copied only between workspaces of one DUAL_HOME\n`);
    expect(existsSync(worktree('x3'))).toBe(false);
  });

  it('refuses a source without attached data in one line, making nothing (the user asked for data and would get none)', async () => {
    await dualOk(['create', repo, 'no-db'], { env });
    const bare = await runDual(['create', repo, 'x4', '--data-from', id('no-db')], { env });
    expect(bare.code).toBe(1);
    expect(bare.stderr).toBe(
      `dual: --data-from: workspace '${id('no-db')}' has no attached container with a volume, so there is no data to copy; attach one (\`dual attach\`) or leave out --data-from\n`,
    );
    expect(existsSync(worktree('x4'))).toBe(false);
    expect((await dualOk(['list', '--json'], { env })).stdout).not.toContain(id('x4'));
  });

  it("refuses a branch whose .dual.json declares none of the source's attached containers, undoing the worktree (the branch, made before, stays)", async () => {
    const r = await runDual(['create', repo, 'other-db', '--data-from', id('no-lock')], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `dual: --data-from: this branch's .dual.json declares none of ${id('no-lock')}'s attached containers with data (db), so there is nothing to copy the data into; declare one of them in "attached", or leave out --data-from\n`,
    );
    expect(existsSync(worktree('other-db'))).toBe(false);
    // The branch existed before (made by the test): it stays.
    expect(git(repoPath, 'branch', '--list', 'other-db')).toContain('other-db');
    expect((await dualOk(['list', '--json'], { env })).stdout).not.toContain(id('other-db'));
  });
});
