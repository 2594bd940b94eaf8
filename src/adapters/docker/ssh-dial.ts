import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { Duplex } from 'node:stream';
import { DualError } from '../../model/errors.js';
import { shellCommand, shellQuote } from '../../model/shell-quote.js';
import type { SshTarget } from './connection.js';

/**
 * ssh:// as the docker CLI does it (cli/connhelper): run the user's own `ssh` (their config,
 * keys, agent and known_hosts apply) with `docker system dial-stdio` on the remote side, and
 * speak the Engine API over its stdin/stdout. One ssh process per connection.
 */
export function sshArgs(target: SshTarget): string[] {
  const args = ['-o', 'ConnectTimeout=30', '-T', ...loginArgs(target)];
  const remote = ['docker', ...(target.socketPath ? [`--host=unix://${target.socketPath}`] : []), 'system', 'dial-stdio'];
  // `--` ends ssh's options, so a host can never be read as one. ssh joins the remote words
  // into one line for the remote user's shell: each is quoted.
  return [...args, '--', target.host, ...remote.map(shellQuote)];
}

function loginArgs(target: SshTarget): string[] {
  return [...(target.user ? ['-l', target.user] : []), ...(target.port ? ['-p', target.port] : [])];
}

/** Starts ssh (an argv array, never a shell string) and returns its stdio as a socket. */
export function dialSsh(target: SshTarget, display: string): Duplex {
  // Loaded here, on first use: node:child_process costs milliseconds every `dual exec` would pay.
  const { spawn } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  return new SshSocket(spawn('ssh', sshArgs(target), { stdio: ['pipe', 'pipe', 'pipe'] }), target, display);
}

/**
 * An ssh child's stdout/stdin as the socket node:http expects (keep-alive pools call ref,
 * unref, setKeepAlive and setTimeout on it). When ssh fails, the error is ssh's own last line
 * of stderr, so "Permission denied (publickey)" or "docker: command not found" reach the user.
 */
class SshSocket extends Duplex {
  private stderr = '';

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly target: SshTarget,
    private readonly display: string,
  ) {
    super({ allowHalfOpen: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-2000);
    });
    // A write after ssh died: the exit below says why.
    child.stdin.on('error', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => {
      this.destroy(error.code === 'ENOENT' ? new DualError(`${display} needs ssh, which is not installed: install the OpenSSH client`) : error);
    });
    // 'close' comes after ssh exited and its output was read: the end of the stream, or the failure.
    child.on('close', (code, signal) => {
      if (this.destroyed) return;
      if (code === 0) this.push(null);
      else this.destroy(this.failure(code, signal));
    });
  }

  private failure(code: number | null, signal: NodeJS.Signals | null): DualError {
    const said = this.stderr.trim().split('\n').pop()?.trim();
    const how = signal ? `was killed by ${signal}` : `exited ${code}`;
    const check = shellCommand(['ssh', ...loginArgs(this.target), '--', this.target.host, 'docker', 'version']);
    return new DualError(`cannot reach the Docker engine at ${this.display}: ssh ${how}${said ? ` (${said})` : ''}; check that \`${check}\` works`);
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.child.stdin.write(chunk, () => callback());
  }

  /** Our side is done writing: ssh passes the EOF on, and dial-stdio half-closes the engine connection. */
  override _final(callback: (error?: Error | null) => void): void {
    this.child.stdin.end(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    callback(error);
  }

  // What node:http's Agent calls on a pooled socket. An idle pooled connection must not keep
  // the CLI alive: unref lets the process exit, and ssh then ends on its stdin's EOF.
  ref(): this {
    for (const handle of this.handles()) handle.ref?.();
    return this;
  }

  unref(): this {
    for (const handle of this.handles()) handle.unref?.();
    return this;
  }

  /** The child and its pipes (net.Sockets underneath) each hold the event loop open. */
  private handles(): Array<{ ref?: () => void; unref?: () => void }> {
    return [this.child, this.child.stdout, this.child.stdin, this.child.stderr] as Array<{ ref?: () => void; unref?: () => void }>;
  }

  setKeepAlive(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setTimeout(): this {
    return this;
  }
}
