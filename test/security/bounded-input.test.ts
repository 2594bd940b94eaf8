import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { silentLog } from '../../proxy/log.js';
import { startProxy, type RunningProxy } from '../../proxy/proxy.js';
import { dualOk, runDual } from '../helpers/cli.js';
import { BRANCH_PAGE_CONFIG } from '../helpers/fixtures.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { sandboxDiscovery } from '../helpers/proxy-discovery.js';
import { createWorkspaceContainer, freePort } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Threat model: a branch's `.dual.json` is bounded. A huge file, tens of thousands of env
 * entries or a megabyte `start` is refused by `dual create` in one line, before anything is
 * made, and the run leaves nothing behind; and no branch makes the proxy open a privileged
 * port on the host.
 */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('big');
const docker = new ApiTransport();

const hostile: Record<string, string> = {
  // 1 MiB of start: over the file limit.
  huge: JSON.stringify({ ...JSON.parse(BRANCH_PAGE_CONFIG), start: 'x'.repeat(1024 * 1024) }),
  // 20,000 variables in under 256 KiB.
  manyenv: JSON.stringify({ env: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`V${i}`, ''])) }),
  // A 40 KiB start: within the file limit, over the per-key one (and near Linux's 128 KiB per argument).
  longstart: JSON.stringify({ ...JSON.parse(BRANCH_PAGE_CONFIG), start: `echo ${'y'.repeat(40 * 1024)}` }),
  privileged: JSON.stringify({ ...JSON.parse(BRANCH_PAGE_CONFIG), ports: [3000, 80] }),
};

async function leftovers(id: string): Promise<string[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`dual.workspace=${id}`] }));
  const containers = await docker.request<Array<{ Names: string[] }>>('GET', `/containers/json?all=1&filters=${filters}`);
  const volumes = (await docker.request<{ Volumes: Array<{ Name: string }> | null }>('GET', `/volumes?filters=${filters}`)).Volumes ?? [];
  return [...containers.map((c) => c.Names[0]!), ...volumes.map((v) => v.Name)];
}

beforeAll(async () => {
  const branches = Object.fromEntries(Object.entries(hostile).map(([name, text]) => [name, { '.dual.json': text }]));
  makeRepo(sandbox.path('big'), { '.dual.json': BRANCH_PAGE_CONFIG }, branches);
  await dualOk(['add', sandbox.path('big'), '--name', repo], { env });
});
afterAll(async () => {
  await sandbox.cleanup();
  docker.close();
});

describe('a hostile .dual.json', () => {
  const expected: Record<string, RegExp> = {
    huge: /\.dual\.json: 1024 KiB, more than the 256 KiB a \.dual\.json may have; keep long scripts in files of the repo\n$/,
    manyenv: /\.dual\.json: key "env": expected at most 1000 variables\n$/,
    longstart: /\.dual\.json: key "start": expected at most 32768 characters; keep a long script in a file of the repo and run that\n$/,
    privileged: /\.dual\.json: key "ports\.1": expected a port from 1024 to 65535: the proxy listens on the same port on the host, and ports below 1024 are privileged\n$/,
  };

  for (const [branch, message] of Object.entries(expected)) {
    it(`is refused by dual create in one line, leaving nothing behind (${branch})`, async () => {
      const r = await runDual(['create', repo, branch], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
      expect(await leftovers(`${repo}-${branch}`)).toEqual([]);
      // The fresh, clean worktree this run made is gone; the branch (the user's) stays.
      expect(existsSync(`${sandbox.home}/worktrees/${repo}/${branch}`)).toBe(false);
      expect(git(sandbox.path('big'), 'branch', '--list', branch)).toContain(branch);
    });
  }
});

describe('the proxy', () => {
  let proxy: RunningProxy | undefined;
  afterAll(async () => {
    await proxy?.close();
  });

  it('never opens a privileged port because a workspace label asks for it', async () => {
    const port = await freePort();
    // A container labelled like an older dual's, declaring port 999 next to a normal one.
    await createWorkspaceContainer(docker, sandbox, { branch: 'old', ports: [999, port], listen: [port] });
    proxy = await startProxy({ home: sandbox.home, log: silentLog, discovery: await sandboxDiscovery(sandbox), bind: ['127.0.0.1'], watchConfig: false });
    await proxy.settled();
    expect(proxy.table.declaredPorts()).toEqual([999, port].sort((a, b) => a - b));
    expect(proxy.ports()).toEqual([port]);
  });
});
