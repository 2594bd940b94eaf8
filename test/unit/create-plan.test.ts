import { describe, expect, it } from 'vitest';
import { planCreate } from '../../workspaces/create/create-plan.js';
import { LABEL } from '../../src/model/labels.js';

const want = { id: 'app-feat', repo: 'app', branch: 'feat', home: '/h', worktrees: '/h/worktrees' };
const labels = (over: Record<string, string> = {}) => ({
  [LABEL.home]: '/h',
  [LABEL.repo]: 'app',
  [LABEL.branch]: 'feat',
  [LABEL.worktree]: '/h/worktrees/app/feat',
  ...over,
});
const exists = () => true;
const gone = () => false;

describe('planCreate: what dual create does about a container already named for the workspace', () => {
  it('creates fresh when there is none', () => {
    expect(planCreate(undefined, want, exists)).toEqual({ kind: 'fresh' });
  });

  it('resumes its own workspace', () => {
    expect(planCreate({ id: 'c1', labels: labels() }, want, exists)).toEqual({ kind: 'resume', containerId: 'c1', worktree: '/h/worktrees/app/feat' });
  });

  it('remakes container and worktree when a worktree dual made was deleted', () => {
    expect(planCreate({ id: 'c1', labels: labels() }, want, gone)).toEqual({ kind: 'remake', worktree: '/h/worktrees/app/feat' });
  });

  it('never remakes a worktree dual did not make (the repo itself, a path elsewhere): resumes and lets start report it', () => {
    const outside = labels({ [LABEL.worktree]: '/src/app' });
    expect(planCreate({ id: 'c1', labels: outside }, want, gone)).toEqual({ kind: 'resume', containerId: 'c1', worktree: '/src/app' });
    const sibling = labels({ [LABEL.worktree]: '/h/worktrees/app-other/feat' });
    expect(planCreate({ id: 'c1', labels: sibling }, want, gone).kind).toBe('resume');
  });

  it("refuses another DUAL_HOME's container, naming that home", () => {
    expect(() => planCreate({ id: 'c1', labels: labels({ [LABEL.home]: '/other' }) }, want, exists)).toThrow(
      "workspace id 'app-feat' is taken on this Docker engine by another dual installation (DUAL_HOME=/other)",
    );
    const { [LABEL.home]: _home, ...unlabelled } = labels();
    expect(() => planCreate({ id: 'c1', labels: unlabelled }, want, exists)).toThrow('(DUAL_HOME=unknown)');
  });

  it('refuses a branch whose id slugs the same as another branch', () => {
    expect(() => planCreate({ id: 'c1', labels: labels({ [LABEL.branch]: 'Feat' }) }, want, exists)).toThrow(
      "workspace id 'app-feat' is already taken by repo 'app' branch 'Feat'; use a branch name that differs in more than case or punctuation",
    );
  });
});
