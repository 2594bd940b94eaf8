import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dualOk, runDual } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Threat model, "a branch": nothing a branch's setup or container writes may change what git
 * runs on the host (issue 8, finding 1). A hostile branch tries every way git on the host
 * could be made to run a program; if any works, the program creates `marker` on the host.
 */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('g');
const repoPath = sandbox.path('g');
const common = join(repoPath, '.git');
const marker = sandbox.path('ran-on-host');
const worktree = (branch: string) => join(sandbox.home, 'worktrees', repo, branch);
const CONFIG = JSON.stringify({ image: 'dual-test/node' });

/** Run inside the workspace (setup, `dual exec`, an attached container); every step may fail. */
const attack = [
  `evil="$PWD/evil.sh"`,
  `printf '#!/bin/sh\\ntouch ${marker}\\n' > "$evil"; chmod +x "$evil"`,
  `own=$(git rev-parse --git-common-dir); gitdir=$(git rev-parse --git-dir)`,
  `for c in "$own" ${common}; do`,
  `  for h in post-checkout pre-commit post-commit reference-transaction; do cp "$evil" "$c/hooks/$h"; done`,
  `  git config -f "$c/config" core.fsmonitor "$evil"; git config -f "$c/config" core.hooksPath "$PWD/evil-hooks"`,
  `  git config -f "$c/config" include.path "$PWD/evil.cfg"; printf '[core]\\n\\tfsmonitor = %s\\n' "$evil" > "$PWD/evil.cfg"`,
  `  printf '%s\\n' "$PWD/evil-git" > "$c/commondir"`,
  `done`,
  `mkdir -p evil-hooks evil-git/refs evil-git/objects; cp "$evil" evil-hooks/post-checkout; cp "$evil" evil-hooks/pre-commit`,
  `printf '[core]\\n\\tfsmonitor = %s\\n\\thooksPath = %s\\n' "$evil" "$PWD/evil-hooks" > evil-git/config; echo 'ref: refs/heads/main' > evil-git/HEAD`,
  `git config core.fsmonitor "$evil"; git config core.hooksPath "$PWD/evil-hooks"`,
  `printf '[core]\\n\\tfsmonitor = %s\\n' "$evil" >> "$gitdir/config.worktree"`,
  `printf '%s\\n' "$PWD/evil-git" > "$gitdir/commondir"`,
  `printf 'gitdir: %s\\n' "$PWD/evil-git" > .git`,
  `exit 0`,
].join('\n');

beforeAll(async () => {
  makeRepo(repoPath, { '.dual.json': CONFIG, '.gitignore': 'evil*\n' }, {
    hostile: {
      '.dual.json': JSON.stringify({
        image: 'dual-test/node',
        setup: 'sh attack.sh',
        attached: { agent: { image: 'dual-test/node', command: 'exec sleep 999999', mountWorktree: true } },
      }),
      'attack.sh': attack,
    },
  });
  await dualOk(['add', repoPath, '--name', repo], { env });
});
afterAll(() => sandbox.cleanup());

describe('a hostile branch cannot make git run anything on the host', () => {
  it('survives its setup, the same attack from dual exec and an attached container, then create and destroy of other workspaces', async () => {
    const configBefore = readFileSync(join(common, 'config'), 'utf8');
    const hooksBefore = readdirSync(join(common, 'hooks')).sort();
    await dualOk(['create', repo, 'hostile'], { env });
    expect((await runDual(['exec', `${repo}-hostile`, '--', 'sh', 'attack.sh'], { env })).code).toBe(0);
    // An attached container that mounts the worktree (an agent in its own image) gets the same view.
    expect((await runDual(['attached', 'exec', `${repo}-hostile`, 'agent', '--', 'sh', 'attack.sh'], { env })).code).toBe(0);

    // The next host-side git calls by dual: worktree add (post-checkout), status (fsmonitor), remove.
    await dualOk(['create', repo, 'fresh'], { env });
    await dualOk(['destroy', `${repo}-fresh`], { env });
    // And the user's own git on the host, which knows nothing of dual's precautions.
    git(repoPath, 'status');
    git(repoPath, 'commit', '-q', '--allow-empty', '-m', 'user commit on the host');
    git(worktree('hostile'), 'status');
    await dualOk(['destroy', `${repo}-hostile`, '--force'], { env });

    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(join(common, 'config'), 'utf8')).toBe(configBefore);
    expect(readdirSync(join(common, 'hooks')).sort()).toEqual(hooksBefore);
    expect(existsSync(join(common, 'commondir'))).toBe(false);
    // destroy also removed the workspace's private git files
    expect(existsSync(join(sandbox.home, 'state', 'git', `${repo}-hostile`))).toBe(false);
  });
});

describe('git inside a workspace keeps working', () => {
  it('status, add, commit, branch, and a husky-style core.hooksPath, all seen by the host but the config', async () => {
    await dualOk(['create', repo, 'agent'], { env });
    const script = [
      'set -e',
      'git status --short',
      'echo work > work.txt',
      'git add work.txt',
      'git -c user.name=agent -c user.email=a@example.com commit -q -m "agent commit"',
      'git branch agent-side',
      'git config core.hooksPath .husky/_',
      'git config --get core.hooksPath',
      'git diff HEAD~1 --stat',
    ].join('\n');
    const r = await runDual(['exec', `${repo}-agent`, '--', 'sh', '-c', script], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('.husky/_');
    expect(r.stdout).toContain('work.txt | 1 +');
    expect(git(repoPath, 'log', '-1', '--format=%s', 'agent')).toBe('agent commit');
    expect(git(repoPath, 'rev-parse', 'agent-side')).toBe(git(repoPath, 'rev-parse', 'agent'));
    expect(readFileSync(join(common, 'config'), 'utf8')).not.toContain('hooksPath');
    expect(git(worktree('agent'), 'status', '--porcelain')).toBe('');
  });
});
