import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dualOk, runDual } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Threat model, "the user's own work in a worktree": no dual path deletes it without --force
 * (issue 8, findings 2 and 3).
 */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('w');
const repoPath = sandbox.path('w');
const worktree = (branch: string) => join(sandbox.home, 'worktrees', repo, branch);
const CONFIG = JSON.stringify({ image: 'dual-test/busybox' });

/**
 * A "registry" on loopback that writes a file into the new worktree when the engine comes to
 * pull, then drops the connection: the pull fails after the user (or an agent) saved work in
 * the worktree, the way a long pull cut by Ctrl-C or a network error does.
 */
let registry: Server;
let registryPort = 0;
beforeAll(async () => {
  makeRepo(repoPath, { '.dual.json': CONFIG, '.gitignore': '.env\nnotes/\ndist/\nnode_modules/\n' });
  await dualOk(['add', repoPath, '--name', repo], { env });
  registry = createServer((socket) => {
    if (existsSync(worktree('pulling'))) writeFileSync(join(worktree('pulling'), 'draft.md'), 'written during the pull');
    socket.destroy();
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  registryPort = (registry.address() as { port: number }).port;
});
afterAll(async () => {
  registry?.close();
  await sandbox.cleanup();
});

describe('a failed dual create', () => {
  it('keeps a worktree that was written to while it ran, says so, and how to remove it', async () => {
    const r = await runDual(['create', repo, 'pulling', '--image', `127.0.0.1:${registryPort}/dual-test/missing:1`], { env });
    expect(r.code).not.toBe(0);
    expect(existsSync(join(worktree('pulling'), 'draft.md'))).toBe(true);
    expect(r.stderr).toContain(`dual: kept worktree ${worktree('pulling')}: it holds changes made while this create ran (draft.md); once they are safe, remove it with: git -C ${repoPath} worktree remove --force ${worktree('pulling')}\n`);
    expect(git(repoPath, 'branch', '--list', 'pulling')).toContain('pulling');
  });

  it('still removes a worktree nobody touched, and the branch it made', async () => {
    const r = await runDual(['create', repo, 'untouched', '--image', `127.0.0.1:${registryPort}/dual-test/missing:1`], { env });
    expect(r.code).not.toBe(0);
    expect(existsSync(worktree('untouched'))).toBe(false);
    expect(git(repoPath, 'branch', '--list', 'untouched')).toBe('');
  });
});

describe('dual destroy and ignored files', () => {
  it('refuses while ignored files that are not regenerable hold work, naming only those; --force overrides', async () => {
    await dualOk(['create', repo, 'secrets'], { env });
    const wt = worktree('secrets');
    writeFileSync(join(wt, '.env'), 'API_KEY=only-copy');
    mkdirSync(join(wt, 'notes'));
    writeFileSync(join(wt, 'notes', 'plan.md'), 'plan');
    mkdirSync(join(wt, 'dist'));
    writeFileSync(join(wt, 'dist', 'app.js'), 'built');
    mkdirSync(join(wt, 'node_modules', 'left-pad'), { recursive: true });
    writeFileSync(join(wt, 'node_modules', 'left-pad', 'index.js'), 'installed');

    const r = await runDual(['destroy', `${repo}-secrets`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^dual: workspace '${repo}-secrets' has ignored files that may hold work \\(\\.env, notes/\\) in ${wt}; move them out, or destroy with --force`));
    expect(existsSync(join(wt, '.env'))).toBe(true);

    await dualOk(['destroy', `${repo}-secrets`, '--force'], { env });
    expect(existsSync(wt)).toBe(false);
  });

  it('destroys without --force when only regenerable files (node_modules, dist) are ignored', async () => {
    await dualOk(['create', repo, 'builds'], { env });
    mkdirSync(join(worktree('builds'), 'dist'));
    writeFileSync(join(worktree('builds'), 'dist', 'app.js'), 'built');
    await dualOk(['destroy', `${repo}-builds`], { env });
    expect(existsSync(worktree('builds'))).toBe(false);
  });
});
