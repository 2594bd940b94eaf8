import http from 'node:http';
import type { Socket } from 'node:net';
import { engineUnreachableError, isEngineUnreachable } from '../../model/errors.js';
import { engineAddress, type EngineAddress } from './connection.js';
import { dockerErrorFromAnswer } from './docker-error.js';
import { engineAgent } from './engine-agent.js';

/**
 * HTTP/1.1 to the Docker Engine API over node:http: JSON calls, streamed answers (logs,
 * events, pull progress) and hijacked connections (exec). Every failure leaves here as one
 * of two errors: a DockerError (the engine answered with a failure) or the "cannot reach the
 * engine" DualError. Why not dockerode: see SPEC.md, Decisions ("One Docker access layer").
 */
export class ApiTransport {
  private readonly agent: http.Agent;
  /** Upgraded (exec) connections: fresh ones, as an upgraded socket never goes back into a pool. */
  private readonly upgradeAgent: http.Agent;

  constructor(private readonly address: EngineAddress = engineAddress()) {
    this.agent = engineAgent(address, { keepAlive: true });
    this.upgradeAgent = engineAgent(address, { keepAlive: false });
  }

  get display(): string {
    return this.address.display;
  }

  /** JSON in, JSON out; a non-2xx answer rejects with a DockerError. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.stream(method, path, body);
    const text = await readText(res);
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
      const req = http.request({ ...this.options(method, path, { ...extraHeaders, ...jsonHeaders(payload) }), signal }, (res) => {
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
  hijack(path: string, body: unknown): Promise<Socket> {
    const payload = JSON.stringify(body);
    return new Promise<Socket>((resolve, reject) => {
      const req = http.request(this.options('POST', path, { ...jsonHeaders(payload), Connection: 'Upgrade', Upgrade: 'tcp' }, this.upgradeAgent));
      req.on('upgrade', (_res, socket, head) => {
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
      });
      req.on('response', (res) => rejectWithAnswer(res, reject));
      this.send(req, payload, reject);
    });
  }

  /** Drops idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
    this.upgradeAgent.destroy();
  }

  /** The agent dials the engine (engine-agent.ts: unix, TCP, TLS or ssh); requests never look at the address. */
  private options(method: string, path: string, headers: http.OutgoingHttpHeaders, agent = this.agent): http.RequestOptions {
    // servername '' (a TLS option node:http reads from the request; its types leave it out):
    // otherwise node:http works out a TLS server name for every request (net.isIP on the Host
    // header), and the first use compiles the IPv6 pattern, about 10 ms of every `dual exec`.
    // TLS, when used, names the server itself (docker-tls.ts).
    const options: http.RequestOptions & { servername: string } = { method, path, headers: { Host: 'docker', ...headers }, agent, servername: '' };
    return options;
  }

  /** Sends the request; a connection that fails becomes "cannot reach the engine" when it means that. */
  private send(req: http.ClientRequest, payload: string | undefined, reject: (error: Error) => void): void {
    req.on('error', (error) => reject(isEngineUnreachable(error) ? engineUnreachableError(this.address.display) : error));
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
