import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ActionRunner, type ActionRecord } from '../../proxy/dashboard/actions.js';
import { eventually } from '../helpers/fixtures.js';

/**
 * The action runner against a stand-in for bin/dual.js (a real child process): it records its
 * argv and environment, and fails like dual does for a destroy that would lose work.
 */
const dir = mkdtempSync(join(tmpdir(), 'dual-actions-'));
const fakeDual = join(dir, 'fake-dual.mjs');
writeFileSync(
  fakeDual,
  `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(join(dir, 'calls'))}, JSON.stringify({ argv: process.argv.slice(2), home: process.env.DUAL_HOME }) + '\\n');
const [action, , force] = process.argv.slice(2);
if (action === 'destroy' && force !== '--force') {
  process.stderr.write("dual: removing...\\n");
  process.stderr.write("dual: workspace 'shop-x' has uncommitted changes (notes.txt); commit or stash them, or destroy with --force\\n");
  process.exit(1);
}
if (action === 'start') { process.stderr.write('dual: no such image\\n'); process.exit(1); }
`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const calls = () => readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; home: string });
const finished = async (runner: ActionRunner, requestId: string): Promise<ActionRecord> =>
  eventually(async () => runner.recent().find((r) => r.requestId === requestId && r.state !== 'running'), `action ${requestId} to finish`);

describe('dashboard actions', () => {
  const runner = new ActionRunner(dir, () => undefined, fakeDual);

  it('runs the CLI with an argv and this DUAL_HOME, and reports success', async () => {
    expect(runner.submit('req-stop-1', 'stop', 'shop-x', false).state).toBe('running');
    expect(await finished(runner, 'req-stop-1')).toMatchObject({ state: 'done', message: 'stop done', forceable: false });
    expect(calls()).toContainEqual({ argv: ['stop', 'shop-x'], home: dir });
  });

  it("reports the CLI's last `dual:` line, and offers force only for a destroy refusal", async () => {
    runner.submit('req-destroy-1', 'destroy', 'shop-x', false);
    const refused = await finished(runner, 'req-destroy-1');
    expect(refused).toMatchObject({ state: 'failed', forceable: true });
    expect(refused.message).toBe("workspace 'shop-x' has uncommitted changes (notes.txt); commit or stash them, or destroy with --force");
    runner.submit('req-start-1', 'start', 'shop-x', false);
    expect(await finished(runner, 'req-start-1')).toMatchObject({ state: 'failed', message: 'no such image', forceable: false });
    runner.submit('req-destroy-2', 'destroy', 'shop-x', true);
    expect(await finished(runner, 'req-destroy-2')).toMatchObject({ state: 'done' });
    expect(calls()).toContainEqual({ argv: ['destroy', 'shop-x', '--force'], home: dir });
  });

  it('runs a request id once, however often it is sent', async () => {
    const first = runner.submit('req-restart-1', 'restart', 'shop-x', false);
    expect(runner.submit('req-restart-1', 'restart', 'shop-x', false)).toBe(first);
    await finished(runner, 'req-restart-1');
    runner.submit('req-restart-1', 'restart', 'shop-x', false);
    expect(calls().filter((c) => c.argv[0] === 'restart')).toHaveLength(1);
  });
});
