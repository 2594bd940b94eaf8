import { closeSync, openSync, readSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { StreamDemuxer } from '../../src/adapters/docker/demux.js';
import type { DockerEngine } from '../../src/adapters/docker/engine.js';
import { EXEC_ID_ENV, signalScript } from './signal-script.js';
import { classifyStartFailure, looksLikeStartFailure } from './start-failure.js';

export interface ExecRequest {
  containerId: string;
  cmd: string[];
  /** KEY=VALUE entries added to the container's environment. */
  env: string[];
  workingDir: string;
  user?: string;
  /** Allocate a TTY: only when the caller's stdin and stdout are both terminals (moby#25542). */
  tty: boolean;
}

export interface ExecStreams {
  /** None: the command's stdin is closed at once (as reading /dev/null would). */
  stdin?: NodeJS.ReadStream | NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { columns?: number; rows?: number };
  stderr: NodeJS.WritableStream;
}

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/**
 * Runs one command in a container and resolves with its exit code, passed through exactly:
 * the command's own code, 128+n when a signal killed it, 127/126 for not found / not
 * executable. stdin is forwarded byte-exact and its end closes the command's stdin; signals
 * sent to this process are delivered to the command's whole process tree.
 */
export async function runExec(docker: DockerEngine, request: ExecRequest, streams: ExecStreams): Promise<number> {
  const tag = execTag();
  // Engines from API 1.42 size the TTY before the command starts; older ones ignore this
  // and get the size from the resize call right after start.
  const consoleSize: [number, number] | undefined =
    request.tty && streams.stdout.rows && streams.stdout.columns ? [streams.stdout.rows, streams.stdout.columns] : undefined;
  const execId = await docker.createExec(request.containerId, {
    attach: true,
    consoleSize,
    tty: request.tty,
    env: [...request.env, `${EXEC_ID_ENV}=${tag}`],
    workingDir: request.workingDir,
    user: request.user,
    cmd: request.cmd,
  });
  const socket = await docker.startExec(execId, { tty: request.tty, consoleSize });
  socket.setNoDelay(true);

  let startFailure: { exitCode: number; message: string } | undefined;
  const finished = new Promise<void>((resolve) => {
    socket.on('end', resolve);
    socket.on('close', resolve);
    socket.on('error', resolve);
  });

  if (request.tty) socket.pipe(streams.stdout as NodeJS.WritableStream, { end: false });
  else pipeDemuxed(socket, streams, request.cmd[0] ?? '', (failure) => (startFailure = failure));

  const stopStdin = forwardStdin(streams.stdin, socket, request.tty);
  const stopResize = request.tty ? followWindowSize(docker, execId, streams.stdout) : () => undefined;
  const signals = forwardSignals(docker, request.containerId, tag);

  try {
    await finished;
  } finally {
    stopStdin();
    stopResize();
    signals.stop();
    socket.destroy();
  }
  // After an interrupt, nothing the command started may outlive it (a backgrounded dev
  // server would keep its port): kill whatever still carries the tag.
  if (signals.delivered()) await deliverSignal(docker, request.containerId, tag, 'SIGKILL').catch(() => undefined);
  if (startFailure) {
    streams.stderr.write(`dual: ${startFailure.message}\n`);
    return startFailure.exitCode;
  }
  return exitCodeOf(docker, execId);
}

/**
 * 8 random bytes, hex: the DUAL_EXEC_ID of one exec. Read from the kernel's source directly:
 * loading node:crypto for them cost every `dual exec` about 4 ms (SPEC.md, Decisions).
 */
function execTag(): string {
  const bytes = Buffer.alloc(8);
  const fd = openSync('/dev/urandom', 'r');
  try {
    readSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
  return bytes.toString('hex');
}

function pipeDemuxed(socket: Duplex, streams: ExecStreams, command: string, onStartFailure: (f: { exitCode: number; message: string }) => void): void {
  let first = true;
  const demuxer = new StreamDemuxer((stream, payload) => {
    if (first) {
      first = false;
      if (looksLikeStartFailure(payload)) {
        onStartFailure(classifyStartFailure(payload.toString('utf8'), command));
        return;
      }
    }
    (stream === 2 ? streams.stderr : streams.stdout).write(payload);
  });
  socket.on('data', (chunk: Buffer) => demuxer.push(chunk));
}

/** Forward stdin; its end half-closes the connection, which closes the command's stdin. */
function forwardStdin(stdin: ExecStreams['stdin'], socket: Duplex, tty: boolean): () => void {
  if (!stdin) {
    socket.end();
    return () => undefined;
  }
  const input = stdin as NodeJS.ReadStream;
  const raw = tty && input.isTTY && typeof input.setRawMode === 'function';
  if (raw) input.setRawMode(true);
  const onData = (chunk: Buffer) => socket.write(chunk);
  const onEnd = () => socket.end();
  input.on('data', onData);
  input.on('end', onEnd);
  input.resume();
  return () => {
    input.off('data', onData);
    input.off('end', onEnd);
    if (raw) input.setRawMode(false);
    input.pause();
  };
}

function followWindowSize(docker: DockerEngine, execId: string, stdout: ExecStreams['stdout']): () => void {
  const resize = () => {
    const { columns, rows } = stdout;
    if (!columns || !rows) return;
    docker.resizeExec(execId, rows, columns).catch(() => undefined);
  };
  resize();
  process.on('SIGWINCH', resize);
  return () => process.off('SIGWINCH', resize);
}

/** First signal: forward it to the command's process tree; a second SIGINT/SIGTERM kills it. */
function forwardSignals(docker: DockerEngine, containerId: string, tag: string): { stop(): void; delivered(): boolean } {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count += 1;
    const deliver: NodeJS.Signals = count > 1 && signal !== 'SIGHUP' ? 'SIGKILL' : signal;
    deliverSignal(docker, containerId, tag, deliver).catch((error: Error) => {
      process.stderr.write(`dual: could not deliver ${deliver} to the command: ${error.message}\n`);
    });
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, handler);
  return {
    stop: () => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, handler);
    },
    delivered: () => count > 0,
  };
}

async function deliverSignal(docker: DockerEngine, containerId: string, tag: string, signal: NodeJS.Signals): Promise<void> {
  const execId = await docker.createExec(containerId, { attach: false, user: '0', cmd: signalScript(tag, signal) });
  await docker.startExecDetached(execId);
}

async function exitCodeOf(docker: DockerEngine, execId: string): Promise<number> {
  // The stream can close a moment before the engine records the exit code.
  for (let attempt = 0; attempt < 200; attempt++) {
    const info = await docker.inspectExec(execId);
    if (!info.running && info.exitCode !== null) return info.exitCode;
    await new Promise((r) => setTimeout(r, 10));
  }
  return 1;
}
