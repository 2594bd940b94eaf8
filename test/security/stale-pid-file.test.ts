import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { homePaths } from '../../src/adapters/config/home.js';
import { isAlive } from '../../proxy/pid-file.js';
import { processIdentity } from '../../proxy/process-identity.js';
import { dualOk, runDual } from '../helpers/cli.js';
import { freePort, waitFor } from '../helpers/proxy-fixtures.js';
import { stopChild } from '../helpers/processes.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Threat model: dual signals only processes it started. A pid file left by a proxy that
 * died (kill -9, a reboot) may name a pid the system has since given to something else;
 * status must not call it the proxy, start must not refuse, stop must not signal it.
 */
const sandbox = new Sandbox();
const env = sandbox.env;
const paths = homePaths(sandbox.home);
const supervisorPidFile = join(paths.run, 'proxy-supervisor.pid');
let bystander: ChildProcess | undefined;
let signalsFile: string;

afterEach(async () => {
  await runDual(['proxy', 'stop'], { env });
  if (bystander) await stopChild(bystander);
});
afterAll(() => sandbox.cleanup());

/** An unrelated live process that writes down every signal it receives (SIGKILL kills it, which shows too). */
async function startBystander(): Promise<number> {
  signalsFile = sandbox.path(`signals-${Date.now()}.txt`);
  writeFileSync(signalsFile, '');
  const script = `const fs=require('fs');for(const s of ['SIGTERM','SIGINT','SIGHUP','SIGUSR1'])process.on(s,()=>fs.appendFileSync(${JSON.stringify(signalsFile)},s+'\\n'));setInterval(()=>{},1e6)`;
  bystander = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  await waitFor(() => processIdentity(bystander!.pid!) !== undefined, 10_000, 'the bystander');
  return bystander.pid!;
}

function expectUntouched(pid: number): void {
  expect(isAlive(pid)).toBe(true);
  expect(readFileSync(signalsFile, 'utf8')).toBe('');
}

describe('a stale pid file naming an unrelated live process', () => {
  const variants: Array<[string, (pid: number) => string]> = [
    ['an identity from another process start', (pid) => `${pid}\nlinux:${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}:1\n`],
    ['an identity from before a reboot', (pid) => `${pid}\n${processIdentity(pid)!.replace(/^linux:[^:]+/, 'linux:00000000-0000-0000-0000-000000000000')}\n`],
    ['no identity (an older dual)', (pid) => `${pid}\n`],
  ];

  for (const [what, content] of variants) {
    it(`with ${what}: status says not running, stop signals nothing, start works`, async () => {
      const pid = await startBystander();
      mkdirSync(paths.run, { recursive: true });
      writeFileSync(paths.proxyPid, content(pid));
      writeFileSync(supervisorPidFile, content(pid));

      const status = await runDual(['proxy', 'status'], { env });
      expect(status.code).toBe(3);
      expect(status.stdout).toContain('proxy is not running');

      const stop = await dualOk(['proxy', 'stop'], { env });
      expect(stop.stdout).toBe('proxy is not running\n');
      expectUntouched(pid);

      const port = await freePort();
      const started = JSON.parse((await dualOk(['proxy', 'start', '--port', String(port), '--bind', '127.0.0.1', '--json'], { env })).stdout) as {
        started: boolean;
        pid: number;
      };
      expect(started.started).toBe(true);
      expect(started.pid).not.toBe(pid);
      expect(readFileSync(paths.proxyPid, 'utf8').split('\n')[0]).toBe(String(started.pid));

      await dualOk(['proxy', 'stop'], { env });
      expect(isAlive(started.pid)).toBe(false);
      expectUntouched(pid);
      expect(existsSync(paths.proxyPid)).toBe(false);
    });
  }
});
