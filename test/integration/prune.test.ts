import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { dualOk } from '../helpers/cli.js';
import { BRANCH_PAGE_CONFIG } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/** `dual prune`: what a hand-run `docker rm` leaves behind is found by label and removed; worktrees are kept. */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('p');
const docker = new ApiTransport();

async function namesWith(kind: 'containers' | 'volumes', label: string): Promise<string[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
  if (kind === 'containers') {
    return (await docker.request<Array<{ Names: string[] }>>('GET', `/containers/json?all=1&filters=${filters}`)).map((c) => c.Names[0]!.slice(1));
  }
  return ((await docker.request<{ Volumes: Array<{ Name: string }> | null }>('GET', `/volumes?filters=${filters}`)).Volumes ?? []).map((v) => v.Name);
}

beforeAll(async () => {
  // node_modules in a volume (the default where host and engine differ) so there are volumes to orphan.
  const config = JSON.stringify({ ...JSON.parse(BRANCH_PAGE_CONFIG), volumes: ['node_modules'] });
  makeRepo(sandbox.path('p'), { '.dual.json': config }, { gone: {}, kept: {} });
  await dualOk(['add', sandbox.path('p'), '--name', repo], { env });
  for (const branch of ['gone', 'kept']) await dualOk(['create', repo, branch], { env });
  await dualOk(['attach', `${repo}-gone`, 'db', '--image', 'dual-test/busybox', '-v', '/data', '--', 'sleep', 'infinity'], { env });
  // The user removes the workspace container by hand: its attached container and volumes stay behind.
  await docker.request('DELETE', `/containers/dual-${repo}-gone?force=1`);
});
afterAll(async () => {
  await sandbox.cleanup();
  docker.close();
});

describe('dual prune', () => {
  it('says what it would remove without removing it', async () => {
    const dry = JSON.parse((await dualOk(['prune', '--dry-run', '--json'], { env })).stdout) as {
      containers: string[];
      volumes: string[];
      keptWorktrees: Array<{ id: string; hint: string }>;
    };
    expect(dry.containers).toContain(`dual-${repo}-gone--db`);
    expect(dry.volumes).toEqual(expect.arrayContaining([`dual-${repo}-gone-v-node-modules`]));
    expect(dry.volumes.some((v) => v.includes(`${repo}-kept`))).toBe(false);
    expect(dry.keptWorktrees).toContainEqual(expect.objectContaining({ id: `${repo}-gone`, hint: `dual destroy ${repo}-gone` }));
    expect(await namesWith('containers', `dual.workspace=${repo}-gone`)).toEqual([`dual-${repo}-gone--db`]);
  });

  it("removes the orphans, keeps the worktree and every live workspace's things", async () => {
    await dualOk(['prune'], { env });
    expect(await namesWith('containers', `dual.workspace=${repo}-gone`)).toEqual([]);
    expect(await namesWith('volumes', `dual.workspace=${repo}-gone`)).toEqual([]);
    expect(await namesWith('containers', `dual.workspace=${repo}-kept`)).toEqual([`dual-${repo}-kept`]);
    expect(await namesWith('volumes', `dual.workspace=${repo}-kept`)).toEqual([`dual-${repo}-kept-v-node-modules`]);
    expect(existsSync(`${sandbox.home}/worktrees/${repo}/gone`)).toBe(true);
    // The setup record of the container that is gone goes too; the live one's stays.
    expect(existsSync(`${sandbox.home}/state/workspaces/${repo}-gone`)).toBe(false);
    expect(existsSync(`${sandbox.home}/state/workspaces/${repo}-kept`)).toBe(true);
  });
});
