import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homePaths } from '../../src/adapters/config/home.js';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { ensureProxyRunning } from '../../proxy/daemon.js';
import { DUAL_BIN, dualOk, runDual } from '../helpers/cli.js';
import { createWorkspaceContainer, freePort, waitFor, whoami, type WorkspaceFixture } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';

/** The CLI as users run it (bin/dual.js, built by `npm run build`), against the real engine. */
const sandbox = new Sandbox();
const docker = new ApiTransport();
let port: number;
let ws: WorkspaceFixture;

beforeAll(async () => {
  port = await freePort();
  ws = await createWorkspaceContainer(docker, sandbox, { branch: 'cli', ports: [port] });
});

afterAll(async () => {
  await runDual(['proxy', 'stop'], { env: sandbox.env });
  await sandbox.cleanup();
  docker.close();
});

describe('dual proxy start|status|stop', () => {
  it('reports a port it cannot open, naming the process that holds it', async () => {
    const held = await freePort();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(held, '127.0.0.1', resolve));
    try {
      await createWorkspaceContainer(docker, sandbox, { branch: 'busy', ports: [held] });
      await dualOk(['proxy', 'start'], { env: sandbox.env });
      const status = await waitFor(async () => {
        const s = JSON.parse((await dualOk(['proxy', 'status', '--json'], { env: sandbox.env })).stdout) as { problems: string[] };
        return s.problems.length > 0 ? s : undefined;
      }, 30_000, 'the listener problem in the status');
      expect(status.problems).toEqual([expect.stringContaining(`cannot listen on 127.0.0.1:${held} (EADDRINUSE): held by process ${process.pid}`)]);
      const text = await dualOk(['proxy', 'status'], { env: sandbox.env });
      expect(text.stderr).toContain(`warning: cannot listen on 127.0.0.1:${held}`);
    } finally {
      await runDual(['proxy', 'stop'], { env: sandbox.env });
      await docker.request('DELETE', `/containers/dual-${sandbox.repoName('px')}-busy?force=1`).catch(() => undefined);
      holder.close();
    }
  });

  it('runs one background proxy, refuses a second, and stops it', async () => {
    const before = await runDual(['proxy', 'status'], { env: sandbox.env });
    expect(before.code).toBe(3);
    expect(before.stdout).toContain('not running');

    const started = await dualOk(['proxy', 'start', '--port', String(port), '--json'], { env: sandbox.env });
    const info = JSON.parse(started.stdout) as { started: boolean; pid: number; ports: number[] };
    expect(info).toMatchObject({ started: true, ports: [port] });
    expect(readFileSync(homePaths(sandbox.home).proxyPid, 'utf8').split('\n')[0]).toBe(String(info.pid));
    expect((await waitFor(() => whoami(port, `${ws.id}.localhost:${port}`), 20_000, 'the workspace through the daemon')).name).toBe('cli');

    const status = JSON.parse((await dualOk(['proxy', 'status', '--json'], { env: sandbox.env })).stdout) as { running: boolean; pid: number };
    expect(status).toMatchObject({ running: true, pid: info.pid });
    expect(await ensureProxyRunning(sandbox.home)).toEqual({ started: false, pid: info.pid });

    const second = await runDual(['proxy', '--port', String(port)], { env: sandbox.env });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`already running (pid ${info.pid})`);

    // 1 GiB through the proxy: its peak memory must stay far below the body size.
    const size = 1024 * 1024 * 1024;
    const counted = await upload(port, `${ws.id}.localhost:${port}`, size);
    expect(counted).toBe(size);
    const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${info.pid}/status`, 'utf8'))![1]);
    expect(peakKiB).toBeLessThan(300 * 1024);

    const stopped = await dualOk(['proxy', 'stop'], { env: sandbox.env });
    expect(stopped.stdout).toContain(`stopped (pid ${info.pid}; supervisor pid `);
    expect(existsSync(homePaths(sandbox.home).proxyPid)).toBe(false);
    expect((await runDual(['proxy', 'status'], { env: sandbox.env })).code).toBe(3);
  });

  it('starts exactly one proxy when two starts race', async () => {
    const home = sandbox.path('race-home');
    mkdirSync(home, { recursive: true });
    const racePort = await freePort();
    try {
      const results = await Promise.all([1, 2].map(() => ensureProxyRunning(home, { ports: [racePort], bind: ['127.0.0.1'] })));
      expect(results.filter((r) => r.started)).toHaveLength(1);
      expect(results[0]!.pid).toBe(results[1]!.pid);
      expect(readFileSync(homePaths(home).proxyPid, 'utf8').split('\n')[0]).toBe(String(results[0]!.pid));
    } finally {
      await runDual(['proxy', 'stop'], { env: { DUAL_HOME: home } });
    }
  });

  it('names the process holding a pinned port', async () => {
    const blocker = createServer();
    const held = await freePort();
    await new Promise<void>((r) => blocker.listen(held, '127.0.0.1', () => r()));
    const home = sandbox.path('other-home');
    mkdirSync(home, { recursive: true });
    const result = await runDual(['proxy', '--port', String(held), '--bind', '127.0.0.1'], { env: { DUAL_HOME: home } });
    blocker.close();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${held} is in use by process ${process.pid}`);
  });

  it('refuses a pinned port held on one of its bind addresses, even when another opens', async () => {
    // 127.0.0.1 is taken, ::1 (when the machine has it) is free: serving on ::1 alone would
    // leave http://x.localhost:<port> to whatever holds 127.0.0.1.
    const blocker = createServer();
    const held = await freePort();
    await new Promise<void>((r) => blocker.listen(held, '127.0.0.1', () => r()));
    const home = sandbox.path('half-home');
    mkdirSync(home, { recursive: true });
    const result = await runDual(['proxy', '--port', String(held), '--bind', '127.0.0.1', '::1'], { env: { DUAL_HOME: home } });
    blocker.close();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${held} is in use by process ${process.pid}`);
  });

  it('refuses a non-loopback bind without --allow-remote', async () => {
    const result = await runDual(['proxy', '--bind', '0.0.0.0', '--port', String(port)], { env: { DUAL_HOME: sandbox.path('remote-home') } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--allow-remote');
  });

  it('logs readable request lines with --verbose', async () => {
    const verbosePort = await freePort();
    const child = spawn(process.execPath, [DUAL_BIN, 'proxy', '--port', String(verbosePort), '--bind', '127.0.0.1', '--verbose'], {
      env: { ...process.env, DUAL_HOME: sandbox.path('verbose-home'), NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      await waitFor(() => stderr.includes('dual proxy ready'), 15_000, 'the foreground proxy');
      await new Promise<void>((resolve, reject) =>
        http.get({ host: '127.0.0.1', port: verbosePort, path: '/hello', headers: { host: `nope.localhost:${verbosePort}` } }, (res) => res.resume().on('end', resolve)).on('error', reject),
      );
      await waitFor(() => stderr.includes(`GET nope.localhost:${verbosePort}/hello 404`), 30_000, 'the request line');
      expect(stderr).not.toMatch(/^\{"level"/m);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('dual urls / dual open', () => {
  it('prints every URL, or one workspace\'s, as text or JSON', async () => {
    const all = JSON.parse((await dualOk(['urls', '--json'], { env: sandbox.env })).stdout) as Array<{ id: string; urls: string[] }>;
    expect(all.find((w) => w.id === ws.id)?.urls).toEqual([`http://${ws.id}.localhost:${port}`]);
    const one = await dualOk(['urls', ws.id], { env: sandbox.env });
    expect(one.stdout.trim()).toBe(`http://${ws.id}.localhost:${port}`);
    const missing = await runDual(['urls', 'no-such-ws'], { env: sandbox.env });
    expect(missing.code).toBe(1);
  });

  it('opens the URLs with the platform opener, the URL as a plain argument', async () => {
    const bin = sandbox.path('fake-bin');
    mkdirSync(bin, { recursive: true });
    const record = join(bin, 'opened.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${record}'\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    await dualOk(['open', ws.id], { env: { ...sandbox.env, PATH: `${bin}:${process.env.PATH}` } });
    const opened = await waitFor(() => (existsSync(record) ? readFileSync(record, 'utf8') : undefined), 30_000, 'xdg-open to run');
    expect(opened.trim()).toBe(`http://${ws.id}.localhost:${port}`);
  });
});

function upload(port: number, host: string, size: number): Promise<number> {
  const chunk = Buffer.alloc(1024 * 1024, 1);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/count', method: 'POST', agent: false, headers: { host, 'content-length': size } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve((JSON.parse(body) as { bytes: number }).bytes));
      },
    );
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
