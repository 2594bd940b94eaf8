import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dualOk, runDual } from '../helpers/cli.js';
import { BRANCH_PAGE_CONFIG } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Two dual installations (two DUAL_HOMEs: a user's and a test run, say) on one engine: each
 * sees, runs commands in, and would route only its own workspaces.
 */
const mine = new Sandbox();
const theirs = new Sandbox();
const repo = mine.repoName('h');

beforeAll(async () => {
  makeRepo(mine.path('h'), { '.dual.json': BRANCH_PAGE_CONFIG }, { feat: {} });
  await dualOk(['add', mine.path('h'), '--name', repo], { env: mine.env });
  await dualOk(['create', repo, 'feat'], { env: mine.env });
  // The other installation registers the same repo under the same name.
  await dualOk(['add', mine.path('h'), '--name', repo], { env: theirs.env });
});
afterAll(async () => {
  await mine.cleanup();
  await theirs.cleanup();
});

describe('separate DUAL_HOMEs on one engine', () => {
  it('lists and execs only its own workspaces', async () => {
    const ownList = JSON.parse((await dualOk(['list', '--json'], { env: mine.env })).stdout) as Array<{ id: string }>;
    expect(ownList.map((w) => w.id)).toContain(`${repo}-feat`);
    const otherList = JSON.parse((await dualOk(['list', '--json'], { env: theirs.env })).stdout) as Array<{ id: string }>;
    expect(otherList.map((w) => w.id)).not.toContain(`${repo}-feat`);
    const exec = await runDual(['exec', `${repo}-feat`, '--', 'true'], { env: theirs.env });
    expect(exec.code).toBe(125);
    expect(exec.stderr).toContain(`no workspace '${repo}-feat'`);
  });

  it("refuses to take over the other installation's workspace id", async () => {
    const r = await runDual(['create', repo, 'feat'], { env: theirs.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `dual: workspace id '${repo}-feat' is taken on this Docker engine by another dual installation (DUAL_HOME=${mine.home}); use that DUAL_HOME, or another repo name (dual add --name)\n`,
    );
  });
});
