import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { DUAL_BIN, dualOk, runDual } from '../helpers/cli.js';
import { BRANCH_PAGE_CONFIG, eventually } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * The seeds' experiment 001 as dual behaviour: workspaces that all bind :3000 in their own
 * network namespace, each answering with its own branch, driven through the real CLI.
 */
const sandbox = new Sandbox();
const repo = sandbox.repoName('shop');
const env = sandbox.env;
const firstThree = ['ws-1', 'ws-2', 'ws-3'];
const nextFive = ['ws-4', 'ws-5', 'ws-6', 'ws-7', 'ws-8'];
const id = (branch: string) => `${repo}-${branch}`;

async function page(branch: string): Promise<string | undefined> {
  const r = await runDual(['exec', id(branch), '--', 'wget', '-qO-', 'http://localhost:3000/'], { env });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

beforeAll(async () => {
  const branches = Object.fromEntries([...firstThree, ...nextFive].map((b) => [b, {}]));
  makeRepo(sandbox.path('shop'), { '.dual.json': BRANCH_PAGE_CONFIG }, branches);
  await dualOk(['add', sandbox.path('shop'), '--name', repo], { env });
});
afterAll(() => sandbox.cleanup());

describe('workspaces each serving :3000 in their own namespace', () => {
  it('creates three workspaces and prints each id and URL', async () => {
    for (const branch of firstThree) {
      const r = await dualOk(['create', repo, branch], { env });
      expect(r.stdout.trim()).toBe(`${id(branch)}\thttp://${id(branch)}.localhost:3000`);
    }
  });

  it("answers localhost:3000 inside each workspace with that workspace's own branch", async () => {
    for (const branch of firstThree) {
      expect(await eventually(() => page(branch), `${branch} serving`)).toBe(branch);
    }
  });

  it('passes exit codes through exactly', async () => {
    const ws = id('ws-1');
    expect((await runDual(['exec', ws, '--', 'sh', '-c', 'exit 0'], { env })).code).toBe(0);
    expect((await runDual(['exec', ws, '--', 'sh', '-c', 'exit 42'], { env })).code).toBe(42);
    expect((await runDual(['exec', ws, '--', 'sh', '-c', 'nonexistent_command 2>/dev/null'], { env })).code).toBe(127);
    const notFound = await runDual(['exec', ws, '--', 'no-such-binary'], { env });
    expect(notFound.code).toBe(127);
    expect(notFound.stderr.trim()).toBe('dual: no-such-binary: command not found');
    expect((await runDual(['exec', ws, '--', '/etc/passwd'], { env })).code).toBe(126);
    expect((await runDual(['exec', ws, '--', 'sh', '-c', 'kill -TERM $$'], { env })).code).toBe(143);
  });

  it('lists the workspaces with repo, branch, state and URL', async () => {
    const r = await dualOk(['list', '--json'], { env });
    const mine = (JSON.parse(r.stdout) as Array<{ id: string; branch: string; state: string; worktree: string; urls: string[] }>).filter((w) =>
      w.id.startsWith(repo),
    );
    expect(mine.map((w) => [w.id, w.branch, w.state])).toEqual(firstThree.map((b) => [id(b), b, 'running']));
    expect(mine[0]!.worktree).toBe(`${sandbox.home}/worktrees/${repo}/ws-1`);
    expect(mine[0]!.urls).toEqual([`http://${id('ws-1')}.localhost:3000`]);
  });

  it('keeps isolation across a restart', async () => {
    await dualOk(['restart', id('ws-2')], { env });
    expect(await eventually(() => page('ws-2'), 'ws-2 serving after restart')).toBe('ws-2');
    expect(await page('ws-1')).toBe('ws-1');
    expect(await page('ws-3')).toBe('ws-3');
  });

  it('creates five more in parallel, eight in all, each isolated', async () => {
    const results = await Promise.all(nextFive.map((branch) => runDual(['create', repo, branch], { env })));
    expect(results.map((r) => r.code)).toEqual(nextFive.map(() => 0));
    for (const branch of [...firstThree, ...nextFive]) {
      expect(await eventually(() => page(branch), `${branch} serving`)).toBe(branch);
    }
    const list = JSON.parse((await dualOk(['list', '--json'], { env })).stdout) as Array<{ id: string; state: string }>;
    expect(list.filter((w) => w.id.startsWith(repo) && w.state === 'running')).toHaveLength(8);
  });

  it("shows the main process's output with dual logs, and follows it with -f", async () => {
    const logs = await dualOk(['logs', id('ws-1')], { env });
    expect(logs.stdout + logs.stderr).toBe('');
    await runDual(['exec', id('ws-1'), '--', 'sh', '-c', 'echo from-main-process > /proc/1/fd/1'], { env });
    const after = await eventually(async () => {
      const r = await dualOk(['logs', id('ws-1')], { env });
      return r.stdout.includes('from-main-process') ? r.stdout : undefined;
    }, 'the line in the logs');
    expect(after).toContain('from-main-process');
    // Following: a line written after `logs -f` started still arrives.
    const follower = spawn(process.execPath, [DUAL_BIN, 'logs', '-f', id('ws-1')], { env: { ...process.env, ...env } });
    let followed = '';
    follower.stdout.on('data', (c: Buffer) => (followed += c.toString()));
    try {
      await eventually(async () => (followed.includes('from-main-process') ? true : undefined), 'the existing line');
      await runDual(['exec', id('ws-1'), '--', 'sh', '-c', 'echo written-later > /proc/1/fd/1'], { env });
      await eventually(async () => (followed.includes('written-later') ? true : undefined), 'the new line while following');
      expect(follower.exitCode).toBeNull();
    } finally {
      follower.kill('SIGINT');
    }
  });

  it('opens an interactive shell in the worktree with dual shell', () => {
    const inner = `${process.execPath} ${DUAL_BIN} shell ${id('ws-1')}`;
    const r = spawnSync('script', ['-qec', inner, '/dev/null'], {
      env: { ...process.env, ...env },
      input: 'echo "in $(hostname) at $(pwd)"; exit 7\n',
      encoding: 'utf8',
    });
    expect(r.stdout).toContain(`in ${id('ws-1')} at ${sandbox.home}/worktrees/${repo}/ws-1`);
    expect(r.status).toBe(7);
  });

  it('stops quickly (an init process handles SIGTERM) and start brings the page back', async () => {
    const stopped = await dualOk(['stop', id('ws-3')], { env });
    expect(stopped.stdout).toContain('exited');
    const exec = await runDual(['exec', id('ws-3'), '--', 'true'], { env });
    expect(exec.code).toBe(125);
    expect(exec.stderr.trim()).toBe(`dual: workspace '${id('ws-3')}' is stopped (exited); start it with \`dual start ${id('ws-3')}\``);
    await dualOk(['start', id('ws-3')], { env });
    expect(await eventually(() => page('ws-3'), 'ws-3 serving after start')).toBe('ws-3');
  });
});
