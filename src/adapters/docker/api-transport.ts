import type http from 'node:http';
import type { Socket } from 'node:net';
import { engineUnreachableError, isEngineUnreachable } from '../../model/errors.js';
import { engineAddress, type EngineAddress } from './connection.js';
import { dockerErrorFromAnswer } from './docker-error.js';
import { engineAgent } from './engine-agent.js';
import { EngineConnections } from './engine-connections.js';
import { exchange, type EngineAnswer } from './engine-exchange.js';

/**
 * HTTP/1.1 to the Docker Engine API: JSON calls and hijacked connections (exec) through
 * engine-exchange.ts on pooled connections, streamed answers (logs, events, pull progress)
 * through node:http. Every failure leaves here as one of two errors: a DockerError (the
 * engine answered with a failure) or the "cannot reach the engine" DualError. Why not
 * dockerode, and why not node:http for every call: see SPEC.md, Decisions ("One Docker access
 * layer", "`dual exec` starts lean").
 */
export class ApiTransport {
  private readonly connections: EngineConnections;
  /** For streamed answers only, made on first use. */
  private agent: http.Agent | undefined;

  constructor(private readonly address: EngineAddress = engineAddress()) {
    this.connections = new EngineConnections(address);
  }

  get display(): string {
    return this.address.display;
  }

  /** JSON in, JSON out; a non-2xx answer rejects with a DockerError. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const socket = await this.connections.take().catch((error: unknown) => this.unreachable(error));
    let answer: EngineAnswer;
    try {
      answer = await exchange(socket, { method, path, headers: payload === undefined ? {} : { 'Content-Type': 'application/json' }, body: payload });
    } catch (error) {
      socket.destroy();
      return this.unreachable(error);
    }
    if (answer.reusable) this.connections.give(socket);
    else socket.destroy();
    const text = answer.body.toString('utf8');
    if (answer.status < 200 || answer.status >= 300) throw dockerErrorFromAnswer(answer.status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * The answer as a stream, once its headers say success (the caller reads or destroys it).
   * Aborting `signal` closes the connection, before or after the answer began: the engine
   * then cancels what the request started (a pull).
   */
  stream(method: string, path: string, body?: unknown, extraHeaders: http.OutgoingHttpHeaders = {}, signal?: AbortSignal): Promise<http.IncomingMessage> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const { request } = process.getBuiltinModule('node:http') as typeof http;
      const req = request({ ...this.options(method, path, { ...extraHeaders, ...jsonHeaders(payload) }), signal }, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(res);
        else rejectWithAnswer(res, reject);
      });
      this.send(req, payload, reject);
    });
  }

  /**
   * POST with a connection upgrade (exec start): resolves with the raw socket once the engine
   * switches protocols. The caller owns the socket.
   */
  async hijack(path: string, body: unknown): Promise<Socket> {
    const socket = await this.connections.dial().catch((error: unknown) => this.unreachable(error));
    let answer: EngineAnswer;
    try {
      answer = await exchange(
        socket,
        { method: 'POST', path, headers: { 'Content-Type': 'application/json', Connection: 'Upgrade', Upgrade: 'tcp' }, body: JSON.stringify(body) },
        true,
      );
    } catch (error) {
      socket.destroy();
      return this.unreachable(error);
    }
    if (answer.status !== 101) {
      socket.destroy();
      throw dockerErrorFromAnswer(answer.status, answer.body.toString('utf8'));
    }
    if (answer.rest.length > 0) socket.unshift(answer.rest);
    return socket as Socket;
  }

  /** Drops idle keep-alive connections. */
  close(): void {
    this.connections.close();
    this.agent?.destroy();
  }

  /** A connection that fails becomes "cannot reach the engine" when it means that. */
  private unreachable(error: unknown): never {
    throw this.asEngineError(error);
  }

  private asEngineError(error: unknown): unknown {
    return isEngineUnreachable(error) ? engineUnreachableError(this.address.display) : error;
  }

  /** The agent dials the engine (engine-agent.ts: unix, TCP, TLS or ssh); requests never look at the address. */
  private options(method: string, path: string, headers: http.OutgoingHttpHeaders): http.RequestOptions {
    this.agent ??= engineAgent(this.address, { keepAlive: true });
    // servername '' (a TLS option node:http reads from the request; its types leave it out):
    // node:http would otherwise work out a TLS server name from the Host header on every
    // request; TLS names the server itself (docker-tls.ts).
    const options: http.RequestOptions & { servername: string } = { method, path, headers: { Host: 'docker', ...headers }, agent: this.agent, servername: '' };
    return options;
  }

  /** Sends the request; a connection that fails becomes "cannot reach the engine" when it means that. */
  private send(req: http.ClientRequest, payload: string | undefined, reject: (error: Error) => void): void {
    req.on('error', (error) => reject(this.asEngineError(error) as Error));
    req.end(payload);
  }
}

function jsonHeaders(payload: string | undefined): http.OutgoingHttpHeaders {
  return payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) };
}

/** The one place a failed answer becomes an error: a DockerError with its status and the engine's message. */
function rejectWithAnswer(res: http.IncomingMessage, reject: (error: Error) => void): void {
  readText(res).then((text) => reject(dockerErrorFromAnswer(res.statusCode ?? 0, text)), reject);
}

function readText(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', reject);
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
