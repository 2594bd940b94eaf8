import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dualOk } from '../helpers/cli.js';
import { branchPageConfig } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freePort, request, waitFor } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';

/** `dual create` starts the background proxy (unless settings say not to), and it serves at once. */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('auto');
let port: number;

beforeAll(async () => {
  port = await freePort();
  makeRepo(sandbox.path('auto'), { '.dual.json': branchPageConfig(port) }, { feat: {} });
  // The sandbox turns auto-start off for every other test; this one turns it on.
  writeFileSync(`${sandbox.home}/config.json`, JSON.stringify({ proxy: { autoStart: true } }));
  await dualOk(['add', sandbox.path('auto'), '--name', repo], { env });
});
afterAll(async () => {
  await dualOk(['proxy', 'stop'], { env }).catch(() => undefined);
  await sandbox.cleanup();
});

describe('proxy auto-start', () => {
  it('starts the proxy with the first create, which then serves the workspace on its port', async () => {
    const created = await dualOk(['create', repo, 'feat'], { env });
    expect(created.stderr).toMatch(/dual: started the proxy \(pid \d+\)/);
    const status = JSON.parse((await dualOk(['proxy', 'status', '--json'], { env })).stdout) as { running: boolean; ports: number[] };
    expect(status.running).toBe(true);
    const page = await waitFor(async () => {
      const reply = await request(port, `${repo}-feat.localhost:${port}`).catch(() => undefined);
      return reply?.status === 200 ? reply.body.trim() : undefined;
    }, 30_000, 'the workspace through the auto-started proxy');
    expect(page).toBe('feat');
    const again = await dualOk(['create', repo, 'feat'], { env });
    expect(again.stderr).not.toContain('started the proxy');
  });
});
