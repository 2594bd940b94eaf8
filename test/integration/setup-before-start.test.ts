import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUAL_BIN, dualOk, runDual } from '../helpers/cli.js';
import { eventually } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Setup before start, always (issue 7): `start` needs what `setup` makes, as `vite` needs
 * `npm ci`. The fixture's setup takes a moment and writes the script `start` execs; with
 * start running first (the old design) the container exits and kills setup.
 */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('setup');
const worktree = (branch: string) => `${sandbox.home}/worktrees/${repo}/${branch}`;

/** setup: marks start/end (and any overlap) in `markers`, takes ~2 s, then writes serve.sh, which start execs. */
function config(extra: { setup?: string; start?: string; ports?: number[] } = {}): string {
  const serve = `printf '#!/bin/sh\\nmkdir -p /tmp/w && echo "served $DUAL_BRANCH" > /tmp/w/index.html && exec httpd -f -p 3000 -h /tmp/w\\n' > serve.sh && chmod +x serve.sh`;
  const setup = `if [ -e .setup-running ]; then echo overlap >> markers; fi; touch .setup-running; echo start >> markers; echo setup-begins; sleep 2; ${serve}; echo end >> markers; rm .setup-running; echo setup-ends`;
  return JSON.stringify({ image: 'dual-test/busybox', setup: extra.setup ?? setup, start: extra.start ?? './serve.sh', ports: extra.ports ?? [3000] });
}

interface ListedWorkspace {
  id: string;
  state: string;
  setup: { state: string; exitCode?: number };
  endpoints: Array<{ port: number; listening: boolean }>;
}
async function listed(id: string): Promise<ListedWorkspace> {
  const list = JSON.parse((await dualOk(['list', '--json'], { env })).stdout) as ListedWorkspace[];
  return list.find((w) => w.id === id)!;
}
const page = (id: string) => dualOk(['exec', id, '--', 'wget', '-qO-', 'http://localhost:3000/'], { env }).then((r) => r.stdout.trim());

beforeAll(async () => {
  makeRepo(sandbox.path('setup'), { '.dual.json': config(), '.gitignore': 'serve.sh\nmarkers\n.setup-running\nready\n' }, {
    fails: { '.dual.json': config({ setup: 'echo checking; test -f ready || exit 3; ' + JSON.parse(config()).setup }) },
    serves: {},
    killed: {},
    deaf: { '.dual.json': config({ start: 'echo started but deaf; exec sleep 1000' }) },
  });
  await dualOk(['add', sandbox.path('setup'), '--name', repo], { env });
});
afterAll(() => sandbox.cleanup());

describe('setup runs before start, in the container', () => {
  it('creates a workspace whose start needs what setup makes, streams setup, and returns once it serves', async () => {
    const r = await dualOk(['create', repo, 'serves'], { env });
    expect(r.stdout).toBe(`${repo}-serves\thttp://${repo}-serves.localhost:3000\n`);
    expect(r.stderr).toMatch(/setup-begins\n(.*\n)*setup-ends\n/);
    // Create returned after the port answered: no polling needed here.
    expect(await page(`${repo}-serves`)).toBe('served serves');
    expect(await listed(`${repo}-serves`)).toMatchObject({ state: 'running', setup: { state: 'ok' }, endpoints: [{ port: 3000, listening: true }] });
  });

  it("keeps setup's output in dual logs, ahead of the main process's", async () => {
    const logs = await dualOk(['logs', `${repo}-serves`], { env });
    const all = logs.stdout + logs.stderr;
    expect(all).toContain('setup-begins');
    expect(logs.stderr).toContain('dual: setup done');
  });

  it('runs setup once per container: a restart starts without running it again', async () => {
    await dualOk(['restart', `${repo}-serves`], { env });
    expect(readFileSync(`${worktree('serves')}/markers`, 'utf8')).toBe('start\nend\n');
    expect(await page(`${repo}-serves`)).toBe('served serves');
  });

  it('shows a failed setup as "setup failed (exit N)", never running; create again reruns setup, then serves', async () => {
    const id = `${repo}-fails`;
    const r = await runDual(['create', repo, 'fails'], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('checking');
    expect(r.stderr).toContain(`setup failed with exit code 3; the workspace is kept (start does not run): fix it and run \`dual create ${repo} fails\` again to retry setup`);
    expect(await listed(id)).toMatchObject({ state: 'setup failed (exit 3)', setup: { state: 'failed', exitCode: 3 } });
    const table = (await dualOk(['list'], { env })).stdout;
    expect(table).toMatch(new RegExp(`${id} +${repo} +fails +setup failed \\(exit 3\\)`));
    const status = (await dualOk(['status'], { env })).stdout;
    expect(status).toMatch(new RegExp(`${id} +setup failed \\(exit 3\\)`));
    // The container idles, so the user can look inside.
    expect((await dualOk(['exec', id, '--', 'echo', 'inside'], { env })).stdout).toBe('inside\n');

    writeFileSync(`${worktree('fails')}/ready`, '');
    const retry = await dualOk(['create', repo, 'fails'], { env });
    expect(retry.stderr).toContain('setup-ends');
    expect(await page(id)).toBe('served fails');
    expect(await listed(id)).toMatchObject({ state: 'running', setup: { state: 'ok' } });
  });

  it('never runs two setups at once when a create killed with kill -9 during setup is run again', async () => {
    const child = spawn(process.execPath, [DUAL_BIN, 'create', repo, 'killed'], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await eventually(async () => (existsSync(`${worktree('killed')}/markers`) ? true : undefined), 'setup to begin', 60_000);
    child.kill('SIGKILL');
    await exited;
    await dualOk(['create', repo, 'killed'], { env, timeoutMs: 110_000 });
    const markers = readFileSync(`${worktree('killed')}/markers`, 'utf8');
    expect(markers).not.toContain('overlap');
    expect(markers).toBe('start\nend\n');
    expect(await page(`${repo}-killed`)).toBe('served killed');
  }, 120_000);

  it('names the port that did not answer and shows the end of the log; the workspace is kept', async () => {
    const id = `${repo}-deaf`;
    const r = await runDual(['create', repo, 'deaf', '--port-timeout', '1'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`dual: the last 20 lines of \`dual logs ${id}\`:\n`);
    expect(r.stderr).toContain('started but deaf');
    expect(r.stderr).toMatch(new RegExp(`dual: port 3000 of ${id} did not answer within 1 s .*the workspace is kept`));
    expect(await listed(id)).toMatchObject({ state: 'running (3000 not listening)', endpoints: [{ port: 3000, listening: false }] });
  });
});
