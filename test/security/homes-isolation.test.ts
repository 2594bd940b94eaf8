import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { dualOk, runDual } from '../helpers/cli.js';
import { BRANCH_PAGE_CONFIG } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Threat model: another DUAL_HOME on the same engine (a test run, the demo, a second user of
 * the engine) may not list, exec into, stop, remove or prune anything this home made, even
 * with the same repo name registered. Each installation's queries all filter by dual.home.
 */
const mine = new Sandbox();
const theirs = new Sandbox();
const repo = mine.repoName('iso');
const ws = `${repo}-feat`;
const docker = new ApiTransport();

async function container(name: string): Promise<{ State: { Status: string } } | undefined> {
  return docker.request<{ State: { Status: string } }>('GET', `/containers/${name}/json`).catch(() => undefined);
}

async function volumeExists(name: string): Promise<boolean> {
  return docker.request('GET', `/volumes/${name}`).then(
    () => true,
    () => false,
  );
}

beforeAll(async () => {
  makeRepo(mine.path('iso'), { '.dual.json': BRANCH_PAGE_CONFIG }, { feat: {}, other: {} });
  // Both installations register the same repo under the same name.
  await dualOk(['add', mine.path('iso'), '--name', repo], { env: mine.env });
  await dualOk(['add', mine.path('iso'), '--name', repo], { env: theirs.env });
  await dualOk(['create', repo, 'feat'], { env: mine.env });
  await dualOk(['attach', ws, 'db', '--image', 'dual-test/busybox', '-v', '/data', '--', 'sleep', 'infinity'], { env: mine.env });
  await dualOk(['create', repo, 'other'], { env: theirs.env });
  await dualOk(['attach', `${repo}-other`, 'cache', '--image', 'dual-test/busybox', '--', 'sleep', 'infinity'], { env: theirs.env });
});
afterAll(async () => {
  await mine.cleanup();
  await theirs.cleanup();
  docker.close();
});

describe("another DUAL_HOME's attached containers", () => {
  it('are not listed', async () => {
    const listed = JSON.parse((await dualOk(['attached', '--json'], { env: theirs.env })).stdout) as Array<{ workspace: string; name: string }>;
    expect(listed.map((a) => `${a.workspace}/${a.name}`)).toEqual([`${repo}-other/cache`]);
    const status = JSON.parse((await dualOk(['status', '--json'], { env: theirs.env })).stdout) as { workspaces: Array<{ id: string }> };
    expect(status.workspaces.map((w) => w.id)).toEqual([`${repo}-other`]);
  });

  it('cannot be exec-ed into, stopped or removed', async () => {
    const exec = await runDual(['attached', 'exec', ws, 'db', '--', 'true'], { env: theirs.env });
    expect(exec.code).toBe(125);
    expect(exec.stderr).toContain(`workspace '${ws}' has no attached container 'db'`);
    for (const verb of ['stop', 'rm']) {
      const r = await runDual(['attached', verb, ws, 'db'], { env: theirs.env });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/^dual: .*'db'|^dual: no workspace/);
    }
    expect((await container(`dual-${ws}--db`))?.State.Status).toBe('running');
    expect(await volumeExists(`dual-${ws}--db-v-data`)).toBe(true);
  });

  it('are never pruned, even when orphaned; their own home prunes them', async () => {
    // Orphan it in its own home: the workspace container removed by hand.
    await docker.request('DELETE', `/containers/dual-${ws}?force=1`);
    const dry = JSON.parse((await dualOk(['prune', '--dry-run', '--json'], { env: theirs.env })).stdout) as { containers: string[]; volumes: string[] };
    expect(dry.containers).toEqual([]);
    expect(dry.volumes.filter((v) => v.includes(ws))).toEqual([]);
    await dualOk(['prune'], { env: theirs.env });
    expect(await container(`dual-${ws}--db`)).toBeDefined();
    expect(await volumeExists(`dual-${ws}--db-v-data`)).toBe(true);
    expect((await container(`dual-${repo}-other--cache`))?.State.Status).toBe('running');

    // The same prune in the home that made it does remove it (so the above is not vacuous).
    const own = JSON.parse((await dualOk(['prune', '--json'], { env: mine.env })).stdout) as { containers: string[]; volumes: string[] };
    expect(own.containers).toEqual([`dual-${ws}--db`]);
    expect(own.volumes).toEqual(expect.arrayContaining([`dual-${ws}--db-v-data`]));
    expect(await container(`dual-${ws}--db`)).toBeUndefined();
    expect((await container(`dual-${repo}-other--cache`))?.State.Status).toBe('running');
  });
});
