import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { shellQuote } from '../../src/model/shell-quote.js';
import { freePort, stopChild } from './processes.js';

/**
 * A real OpenSSH sshd on a free loopback port, as the current user, with a host key and an
 * authorized client key made for this test: an `ssh://` Docker host whose remote side runs
 * `docker system dial-stdio` against this machine's engine (scripts/ensure-sshd.sh installs
 * it). `env` puts an `ssh` first on PATH that is the real client with this test's config
 * (-F): ssh reads ~/.ssh from the passwd entry, not $HOME, and the user's own must not change.
 */
export class LoopbackSshd {
  readonly user = userInfo().username;
  port = 0;
  private child: ChildProcess | undefined;
  private log = '';

  constructor(readonly dir: string) {}

  get dockerHost(): string {
    return `ssh://${this.user}@127.0.0.1:${this.port}`;
  }

  get env(): NodeJS.ProcessEnv {
    return { PATH: `${join(this.dir, 'bin')}${delimiter}${process.env.PATH ?? ''}` };
  }

  async start(): Promise<void> {
    mkdirSync(join(this.dir, 'bin'), { recursive: true, mode: 0o700 });
    const hostKey = this.keyPair('host_key');
    const clientKey = this.keyPair('id');
    writeFileSync(join(this.dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`));
    this.port = await freePort();
    const config = join(this.dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${this.port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
        `AllowUsers ${this.user}`,
        'PidFile none',
        'UsePAM no',
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    // As root, sshd wants its privilege-separation directory (Debian's service would make it).
    if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr?.on('data', (c: Buffer) => (this.log += c.toString()));
    this.writeClientConfig(clientKey, hostKey);
    await this.listening();
  }

  private keyPair(name: string): string {
    const file = join(this.dir, name);
    const made = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `dual-test-${name}`, '-f', file], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`ssh-keygen failed: ${made.stderr}`);
    return file;
  }

  private writeClientConfig(clientKey: string, hostKey: string): void {
    const knownHosts = join(this.dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${this.port} ${readFileSync(`${hostKey}.pub`, 'utf8')}`);
    const config = join(this.dir, 'ssh_config');
    writeFileSync(
      config,
      ['Host 127.0.0.1', `  IdentityFile ${clientKey}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${knownHosts}`, '  StrictHostKeyChecking yes', '  BatchMode yes', '  LogLevel ERROR', ''].join('\n'),
    );
    const wrapper = join(this.dir, 'bin', 'ssh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${shellQuote(realSsh())} -F ${shellQuote(config)} "$@"\n`);
    chmodSync(wrapper, 0o755);
  }

  /** Until sshd accepts connections; its own stderr if it exited instead. */
  private async listening(): Promise<void> {
    for (;;) {
      if (this.child?.exitCode !== null) throw new Error(`sshd exited ${this.child?.exitCode}: ${this.log}`);
      const up = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
      });
      if (up) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child);
  }
}

function realSsh(): string {
  const found = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'ssh')).find((p) => existsSync(p));
  if (!found) throw new Error('ssh is not installed: run scripts/ensure-sshd.sh');
  return found;
}
