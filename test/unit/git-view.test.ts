import { describe, expect, it } from 'vitest';
import { DualError } from '../../src/model/errors.js';
import { checkLayout, gitViewBinds } from '../../workspaces/git-view.js';

const layout = { commonDir: '/code/shop/.git', gitDir: '/code/shop/.git/worktrees/feat-x', privateDir: '/h/.dual/state/git/shop-feat-x' };
const worktree = '/h/.dual/worktrees/shop/feat-x';

describe('the git view of a workspace container', () => {
  const binds = gitViewBinds(worktree, layout);
  const writable = binds.filter((b) => !b.readOnly).map((b) => b.target);

  it('lets the container write only objects, refs, logs, its own admin dir and its private common dir', () => {
    expect(writable).toEqual([
      worktree,
      '/code/shop/.git/objects',
      '/code/shop/.git/refs',
      '/code/shop/.git/logs',
      '/code/shop/.git/worktrees/feat-x',
      '/h/.dual/state/git/shop-feat-x/common',
    ]);
  });

  it('keeps what host git reads to decide what to run read-only: config, hooks, .git pointer, commondir, config.worktree', () => {
    const readOnly = binds.filter((b) => b.readOnly).map((b) => b.target);
    expect(readOnly).toEqual(expect.arrayContaining([
      `${worktree}/.git`,
      '/code/shop/.git',
      '/code/shop/.git/worktrees/feat-x/commondir',
      '/code/shop/.git/worktrees/feat-x/gitdir',
      '/code/shop/.git/worktrees/feat-x/config.worktree',
    ]));
    // The container's commondir names the private copy, on the host the real one is untouched.
    expect(binds).toContainEqual({ source: '/h/.dual/state/git/shop-feat-x/commondir', target: '/code/shop/.git/worktrees/feat-x/commondir', readOnly: true });
  });

  it('mounts every parent before its children (Docker mounts in that order)', () => {
    binds.forEach((b, i) => {
      for (const later of binds.slice(i + 1)) expect(b.target.startsWith(later.target + '/')).toBe(false);
    });
  });

  it('refuses a worktree whose .git points outside the repo', () => {
    expect(() => checkLayout({ ...layout, gitDir: '/h/.dual/worktrees/shop/feat-x/evil' }, worktree)).toThrow(DualError);
    expect(() => checkLayout(layout, worktree)).not.toThrow();
  });
});
