import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUAL_BIN, dualOk } from '../helpers/cli.js';
import { branchPageConfig } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freePort, request, waitFor } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';
import { execFileSync } from 'node:child_process';

/**
 * A real Docker engine restart under a running proxy. Run alone, after the rest of the suite
 * (scripts/test.sh), and only on an engine scripts/ensure-docker.sh started: restarting the
 * engine stops every container on it.
 */
const ENSURE_DOCKER = fileURLToPath(new URL('../../scripts/ensure-docker.sh', import.meta.url));
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('r');
const ws = `${repo}-main`;
let port: number;
let proxy: ChildProcess;

async function answer(): Promise<{ status: number; body: string } | undefined> {
  try {
    return await request(port, `${ws}.localhost:${port}`);
  } catch {
    return undefined;
  }
}

function restartEngine(): void {
  const pid = Number(readFileSync('/run/dual-dockerd.pid', 'utf8'));
  process.kill(pid, 'SIGTERM');
  execFileSync('sh', ['-c', `while kill -0 ${pid} 2>/dev/null; do sleep 0.1; done`], { timeout: 60_000 });
  execFileSync('bash', [ENSURE_DOCKER], { stdio: 'inherit', timeout: 90_000 });
}

beforeAll(async () => {
  port = await freePort();
  makeRepo(sandbox.path('r'), { '.dual.json': branchPageConfig(port) });
  await dualOk(['add', sandbox.path('r'), '--name', repo], { env });
  await dualOk(['create', repo, 'main'], { env });
  proxy = spawn(process.execPath, [DUAL_BIN, 'proxy', '--port', String(port)], { env: { ...process.env, ...env }, stdio: 'ignore' });
  await waitFor(async () => (await answer())?.status === 200, 20_000, 'the workspace through the proxy');
});
afterAll(async () => {
  proxy?.kill('SIGTERM');
  await sandbox.cleanup();
});

describe('Docker engine restart', () => {
  it('the proxy reconnects, resynchronises (the container stopped), and routes again after `dual start`', async () => {
    restartEngine();
    // dockerd stops containers when it shuts down: a resynchronised proxy says so.
    const stopped = await waitFor(async () => {
      const reply = await answer();
      return reply?.status === 503 ? reply : undefined;
    }, 30_000, 'the 503 page for the stopped workspace');
    expect(stopped.body).toContain(`dual start ${ws}`);
    await dualOk(['start', ws], { env });
    const back = await waitFor(async () => {
      const reply = await answer();
      return reply?.status === 200 ? reply : undefined;
    }, 30_000, 'the workspace through the proxy again');
    expect(back.body.trim()).toBe('main');
    expect(proxy.exitCode).toBeNull();
  });
});
