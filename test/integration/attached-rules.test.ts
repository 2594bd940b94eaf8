import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { spawn } from 'node:child_process';
import { DUAL_BIN, dualOk, runDual } from '../helpers/cli.js';
import { eventually } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/** The rules around attached containers: declarations, names, the limit, resources, exec. */
const sandbox = new Sandbox();
const repo = sandbox.repoName('rules');
const env = sandbox.env;
const ws = `${repo}-main`;
const docker = new ApiTransport();
const SLEEP = ['--', 'sleep', '999999'];

const DUAL_JSON = JSON.stringify({
  // No start: nothing to serve, the container idles (a start that never listens would make
  // create wait for port 3000).
  image: 'dual-test/busybox',
  attached: {
    cache: { image: 'dual-test/busybox', command: 'exec sleep 999999', env: { CACHE_SIZE: '64' }, mountWorktree: true },
  },
});

function setLimit(max: number): void {
  const file = join(sandbox.home, 'config.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...settings, attached: { maxPerWorkspace: max } }));
}

async function names(): Promise<string[]> {
  return (JSON.parse((await dualOk(['attached', ws, '--json'], { env })).stdout) as Array<{ name: string }>).map((a) => a.name);
}

beforeAll(async () => {
  const broken = JSON.stringify({ image: 'dual-test/busybox', attached: { ghost: { image: 'dual-test/no-such-image' } } });
  makeRepo(sandbox.path('rules'), { '.dual.json': DUAL_JSON }, { broken: { '.dual.json': broken } });
  await dualOk(['add', sandbox.path('rules'), '--name', repo], { env });
  await dualOk(['create', repo, 'main'], { env });
});
afterAll(async () => {
  docker.close();
  await sandbox.cleanup();
});

describe('attached container rules', () => {
  it('creates the attached containers .dual.json declares, with env and the worktree mounted', async () => {
    expect(await names()).toEqual(['cache']);
    const exec = (...cmd: string[]) => dualOk(['attached', 'exec', ws, 'cache', '--', ...cmd], { env });
    expect((await exec('pwd')).stdout.trim()).toBe(sandbox.path('rules'));
    expect((await exec('sh', '-c', 'echo "$CACHE_SIZE $DUAL_ATTACHED $DUAL_WORKSPACE"')).stdout.trim()).toBe(`64 cache ${ws}`);
    expect((await exec('cat', '.dual.json')).stdout).toBe(DUAL_JSON);
  });

  it('passes exit codes 0, 42, 127 and stdin through `dual attached exec`', async () => {
    const run = (cmd: string[], input?: string) => runDual(['attached', 'exec', ws, 'cache', '--', ...cmd], { env, input });
    expect((await run(['sh', '-c', 'exit 0'])).code).toBe(0);
    expect((await run(['sh', '-c', 'exit 42'])).code).toBe(42);
    expect((await run(['sh', '-c', 'no_such_command 2>/dev/null'])).code).toBe(127);
    const missing = await run(['no-such-binary']);
    expect(missing.code).toBe(127);
    expect(missing.stderr.trim()).toBe('dual: no-such-binary: command not found');
    const echoed = await run(['sh', '-c', 'tr a-z A-Z'], 'hello stdin\n');
    expect(echoed.stdout).toBe('HELLO STDIN\n');
    const unknown = await runDual(['attached', 'exec', ws, 'nobody', '--', 'true'], { env });
    expect(unknown.code).toBe(125);
    expect(unknown.stderr.trim()).toBe(`dual: workspace '${ws}' has no attached container 'nobody'; see \`dual attached ${ws}\``);
  });

  it('Ctrl-C on `dual attached exec` ends the command in the container (128+2) and frees its port', async () => {
    // Checked from the workspace: the attached container's port is the workspace's localhost port.
    const listening = async () => (await runDual(['exec', ws, '--', 'sh', '-c', "netstat -ltn | grep -q ':4100 '"], { env })).code === 0;
    const child = spawn(process.execPath, [DUAL_BIN, 'attached', 'exec', ws, 'cache', '--', 'httpd', '-f', '-p', '4100'], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await eventually(async () => ((await listening()) ? true : undefined), 'port 4100 listening');
      child.kill('SIGINT');
      expect(await exited).toBe(130);
    } finally {
      child.kill('SIGKILL');
    }
    expect(await listening()).toBe(false);
  });

  it('refuses to publish ports, explaining the shared namespace', async () => {
    const r = await runDual(['attach', ws, 'web', '--image', 'dual-test/busybox', '-p', '8080:80', ...SLEEP], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('attached containers cannot publish ports');
    expect(r.stderr).toContain('"ports" in .dual.json');
    expect(await names()).toEqual(['cache']);
  });

  it('refuses bad names and bad limits before touching Docker', async () => {
    const bad = await runDual(['attach', ws, 'Bad_Name', '--image', 'dual-test/busybox'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("attached container name 'Bad_Name' must be");
    const memory = await runDual(['attach', ws, 'x', '--image', 'dual-test/busybox', '--memory', 'lots'], { env });
    expect(memory.stderr.trim()).toBe("dual: memory 'lots' is not a size; use a number with b, k, m or g (e.g. 512m)");
  });

  it('applies memory and CPU limits to the container', async () => {
    await dualOk(['attach', ws, 'limited', '--image', 'dual-test/busybox', '--memory', '64m', '--cpus', '0.5', ...SLEEP], { env });
    const info = await docker.request<{ HostConfig: { Memory: number; NanoCpus: number; NetworkMode: string } }>(
      'GET',
      `/containers/dual-${ws}--limited/json`,
    );
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus).toBe(500_000_000);
    const wsInfo = await docker.request<{ Id: string }>('GET', `/containers/dual-${ws}/json`);
    expect(info.HostConfig.NetworkMode).toBe(`container:${wsInfo.Id}`);
    await dualOk(['attached', 'rm', ws, 'limited'], { env });
    expect(await names()).toEqual(['cache']);
  });

  it('two attaches of the same name at once: one wins, the other is told clearly', async () => {
    const results = await Promise.all(
      [1, 2].map(() => runDual(['attach', ws, 'twin', '--image', 'dual-test/busybox', ...SLEEP], { env })),
    );
    expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
    const loser = results.find((r) => r.code === 1)!;
    expect(loser.stderr.trim()).toBe(
      `dual: workspace '${ws}' already has an attached container named 'twin' (dual-${ws}--twin); choose another name or remove it with \`dual attached rm ${ws} twin\``,
    );
    expect(await names()).toEqual(['cache', 'twin']);
  });

  it('enforces the per-workspace limit from config.json, also for parallel attaches', async () => {
    setLimit(3);
    const results = await Promise.all(
      ['p1', 'p2', 'p3'].map((n) => runDual(['attach', ws, n, '--image', 'dual-test/busybox', ...SLEEP], { env })),
    );
    expect(results.map((r) => r.code).sort()).toEqual([0, 1, 1]);
    for (const r of results.filter((x) => x.code === 1)) {
      expect(r.stderr).toContain(`workspace '${ws}' already has 3 attached containers, the limit is 3`);
    }
    expect(await names()).toHaveLength(3);
    setLimit(8);
  });

  it('shows an attached container\'s output with `attached logs`, and `-f` ends when it stops', async () => {
    const cmd = ['--', 'sh', '-c', 'echo "hello from $DUAL_ATTACHED"; exec sleep 999999'];
    await dualOk(['attach', ws, 'talker', '--image', 'dual-test/busybox', ...cmd], { env });
    const logs = await eventually(async () => {
      const r = await dualOk(['attached', 'logs', ws, 'talker'], { env });
      return r.stdout.includes('hello') ? r.stdout : undefined;
    }, 'talker output');
    expect(logs).toBe('hello from talker\n');
    const following = runDual(['attached', 'logs', ws, 'talker', '-f'], { env });
    await dualOk(['attached', 'stop', ws, 'talker'], { env });
    const followed = await following;
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('hello from talker');
    await dualOk(['attached', 'rm', ws, 'talker'], { env });
  });

  it('a declared attached container that cannot be created rolls the whole create back', async () => {
    const r = await runDual(['create', repo, 'broken'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot pull image dual-test/no-such-image');
    const filter = encodeURIComponent(JSON.stringify({ label: [`dual.workspace=${repo}-broken`] }));
    expect(await docker.request<unknown[]>('GET', `/containers/json?all=1&filters=${filter}`)).toEqual([]);
  });

  it('refuses to attach to a stopped workspace', async () => {
    await dualOk(['stop', ws], { env });
    const r = await runDual(['attach', ws, 'late', '--image', 'dual-test/busybox', ...SLEEP], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`dual: workspace '${ws}' is not running (exited); start it first with \`dual start ${ws}\``);
    await dualOk(['start', ws], { env });
  });
});
