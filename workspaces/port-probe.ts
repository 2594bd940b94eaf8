import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type { Context } from '../src/adapters/context.js';
import { runInContainer } from './exec/run-in-container.js';

/**
 * Does a workspace's dev server answer on its ports? "Answer" means what the proxy needs: a
 * TCP connection to the container's own address is accepted. The cheap way is a connect from
 * the host to the container IP (about a millisecond, all ports in parallel). Where the host
 * cannot reach container IPs (Docker Desktop), the container's socket table is read from
 * inside instead (/proc/net/tcp*, one exec).
 */
export type TcpAnswer = 'open' | 'refused' | 'unreachable';

function probeTcp(host: string, port: number, timeoutMs = 500): Promise<TcpAnswer> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (answer: TcpAnswer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => finish('unreachable'));
    socket.once('connect', () => finish('open'));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code === 'ECONNREFUSED' ? 'refused' : 'unreachable'));
  });
}

export interface PortListening {
  port: number;
  listening: boolean;
  /** Listening on the container's loopback only: the proxy cannot reach it (bind 0.0.0.0). */
  loopbackOnly?: boolean;
}

export async function probePorts(
  ctx: Context,
  container: { containerId: string; ipAddress?: string },
  ports: readonly number[],
): Promise<PortListening[]> {
  if (ports.length === 0) return [];
  if (container.ipAddress) {
    const answers = await Promise.all(ports.map((port) => probeTcp(container.ipAddress!, port)));
    if (!answers.includes('unreachable')) return ports.map((port, i) => ({ port, listening: answers[i] === 'open' }));
  }
  return probeInside(ctx, container.containerId, ports);
}

/** Reads the socket table of the container's network namespace (any image with `cat`). */
export async function probeInside(ctx: Context, containerId: string, ports: readonly number[]): Promise<PortListening[]> {
  const output = new Capture(1 << 20);
  await runInContainer(ctx.docker, containerId, ['cat', '/proc/net/tcp', '/proc/net/tcp6'], { workingDir: '/', output }).catch(() => 1);
  const table = listeningSockets(output.text());
  return ports.map((port) => {
    const found = table.get(port);
    return { port, listening: found === 'any', ...(found === 'loopback' ? { loopbackOnly: true } : {}) };
  });
}

const LISTEN = '0A';
const LOOPBACK = new Set(['0100007F', '00000000000000000000000001000000']);

/**
 * Pure: /proc/net/tcp and tcp6 text -> listening ports, 'any' when one socket listens on a
 * non-loopback address (0.0.0.0, ::, the container's IP), else 'loopback'.
 */
export function listeningSockets(procText: string): Map<number, 'any' | 'loopback'> {
  const result = new Map<number, 'any' | 'loopback'>();
  for (const line of procText.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st ...
    if (fields.length < 4 || !/^\d+:$/.test(fields[0]!) || fields[3] !== LISTEN) continue;
    const match = /^([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4})$/.exec(fields[1]!);
    if (!match) continue;
    const port = Number.parseInt(match[2]!, 16);
    const where = LOOPBACK.has(match[1]!) ? 'loopback' : 'any';
    if (result.get(port) !== 'any') result.set(port, where);
  }
  return result;
}

/** Collects output up to a limit (what a container prints is not trusted to be small). */
class Capture extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    if (this.size < this.limit) {
      const part = chunk.subarray(0, this.limit - this.size);
      this.chunks.push(part);
      this.size += part.length;
    }
    done();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
}
