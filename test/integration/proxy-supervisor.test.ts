import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homePaths } from '../../src/adapters/config/home.js';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { isAlive } from '../../proxy/pid-file.js';
import { dualOk, runDual } from '../helpers/cli.js';
import { createWorkspaceContainer, freePort, waitFor, whoami, type WorkspaceFixture } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';

/** The background proxy is supervised: `dual proxy start` through the real CLI, kill -9, stop. */
const sandbox = new Sandbox();
const docker = new ApiTransport();
const env = sandbox.env;
let port: number;
let ws: WorkspaceFixture;

interface Status {
  running: boolean;
  pid?: number;
  supervisor?: { running: boolean; pid: number; restarts: number; lastExit?: { signal: string | null }; ended?: string };
}
const status = async (): Promise<Status> => JSON.parse((await runDual(['proxy', 'status', '--json'], { env })).stdout) as Status;

beforeAll(async () => {
  port = await freePort();
  ws = await createWorkspaceContainer(docker, sandbox, { branch: 'sup', ports: [port] });
});

afterAll(async () => {
  await runDual(['proxy', 'stop'], { env });
  await sandbox.cleanup();
  docker.close();
});

describe('the supervised background proxy', () => {
  it('is restarted after kill -9, status counts the restart, and stop leaves nothing running', async () => {
    const started = JSON.parse((await dualOk(['proxy', 'start', '--port', String(port), '--json'], { env })).stdout) as Status & { started: boolean };
    expect(started.started).toBe(true);
    const supervisorPid = started.supervisor!.pid;
    expect((await waitFor(() => whoami(port, `${ws.id}.localhost:${port}`), 20_000, 'the workspace through the proxy')).name).toBe('sup');

    process.kill(started.pid!, 'SIGKILL');
    const answered = await waitFor(() => whoami(port, `${ws.id}.localhost:${port}`), 20_000, 'the workspace through the restarted proxy');
    expect(answered.name).toBe('sup');
    const after = await waitFor(async () => {
      const s = await status();
      return s.running && s.pid !== started.pid ? s : undefined;
    }, 20_000, 'status to show the new proxy');
    expect(after.supervisor).toMatchObject({ running: true, pid: supervisorPid, restarts: 1, lastExit: { signal: 'SIGKILL' } });
    expect((await dualOk(['proxy', 'status'], { env })).stdout).toMatch(/supervised by pid \d+, restarts 1, last exit signal SIGKILL/);
    expect((await dualOk(['status'], { env })).stdout).toContain(`proxy: running (pid ${after.pid}, ports ${port} on 127.0.0.1,::1, supervised, restarts 1)`);

    const stopped = await dualOk(['proxy', 'stop'], { env });
    expect(stopped.stdout).toContain(`proxy stopped (pid ${after.pid}; supervisor pid ${supervisorPid})`);
    expect(isAlive(supervisorPid)).toBe(false);
    expect(isAlive(after.pid!)).toBe(false);
    expect(isAlive(started.pid!)).toBe(false);
    const down = await runDual(['proxy', 'status'], { env });
    expect(down.code).toBe(3);
    expect(down.stdout).toBe('proxy is not running; start it with `dual proxy start`\n');
  });

  it('gives up, saying why, when the proxy keeps dying right after it starts', async () => {
    const started = JSON.parse((await dualOk(['proxy', 'start', '--port', String(port), '--json'], { env })).stdout) as Status;
    const supervisorPid = started.supervisor!.pid;
    let pid = started.pid!;
    // Each kill lands within seconds of the start: five in a row is a crash loop.
    for (let kill = 1; kill <= 5; kill++) {
      process.kill(pid, 'SIGKILL');
      if (kill === 5) break;
      pid = (await waitFor(async () => {
        const s = await status();
        return s.running && s.pid !== pid ? s : undefined;
      }, 30_000, `restart ${kill}`)).pid!;
    }
    await waitFor(() => !isAlive(supervisorPid), 30_000, 'the supervisor to give up');
    const down = await runDual(['proxy', 'status'], { env });
    expect(down.code).toBe(3);
    expect(down.stdout).toContain('the proxy died 5 times in a row within 10 s of starting (last: signal SIGKILL); gave up');
    expect(readFileSync(homePaths(sandbox.home).proxyLog, 'utf8')).toContain('gave up');
    // And it starts again on request.
    await dualOk(['proxy', 'start', '--port', String(port)], { env });
    expect((await whoami(port, `${ws.id}.localhost:${port}`)).name).toBe('sup');
    await dualOk(['proxy', 'stop'], { env });
  });

  it('says why when the proxy cannot start, and leaves no supervisor behind', async () => {
    const held = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(held, '127.0.0.1', resolve));
    try {
      const result = await runDual(['proxy', 'start', '--port', String(held), '--bind', '127.0.0.1'], { env });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`dual: the proxy exited at start: port ${held} is in use by process ${process.pid}`);
      const s = await status();
      expect(s.running).toBe(false);
      expect(s.supervisor?.running).toBe(false);
    } finally {
      blocker.close();
    }
  });
});
