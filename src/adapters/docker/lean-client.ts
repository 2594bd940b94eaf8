import http from 'node:http';
import type { Socket } from 'node:net';
import { engineUnreachableError, isEngineUnreachable } from '../../model/errors.js';
import { engineAddress, type EngineAddress } from './connection.js';
import { engineAgent } from './engine-agent.js';

/**
 * A minimal Docker Engine API client over node:http, for the hot paths (`dual exec`,
 * container lookup). Why not dockerode here: loading dockerode costs about 160 ms (it pulls
 * in grpc and protobuf), three times Node's own start-up, and `dual exec` is run thousands
 * of times a day by agents. The rest of the CLI uses it too (lean-engine.ts); dockerode is loaded only for streaming calls.
 */
export class LeanDockerClient {
  private readonly agent: http.Agent;
  /** Upgraded (exec, attach) connections: fresh ones, as an upgraded socket never goes back into a pool. */
  private readonly upgradeAgent: http.Agent;

  constructor(private readonly address: EngineAddress = engineAddress()) {
    this.agent = engineAgent(address, { keepAlive: true });
    this.upgradeAgent = engineAgent(address, { keepAlive: false });
  }

  get display(): string {
    return this.address.display;
  }

  private options(method: string, path: string, headers: http.OutgoingHttpHeaders, agent = this.agent): http.RequestOptions {
    return { method, path, headers: { Host: 'docker', ...headers }, agent };
  }

  /** JSON request; a non-2xx answer becomes an ApiError with Docker's own message. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = payload
      ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
      : {};
    return new Promise<T>((resolve, reject) => {
      const req = http.request(this.options(method, path, headers), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            reject(new ApiError(status, parseMessage(text)));
            return;
          }
          resolve((text ? JSON.parse(text) : undefined) as T);
        });
      });
      req.on('error', (error) => reject(this.wrapTransportError(error)));
      req.end(payload);
    });
  }

  /**
   * POST with a connection upgrade (exec start / attach): resolves with the raw socket once
   * the engine switches protocols. The caller owns the socket.
   */
  async hijack(path: string, body: unknown): Promise<Socket> {
    const payload = JSON.stringify(body);
    const headers = {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(payload),
      Connection: 'Upgrade',
      Upgrade: 'tcp',
    };
    return new Promise<Socket>((resolve, reject) => {
      const req = http.request(this.options('POST', path, headers, this.upgradeAgent));
      req.on('upgrade', (_res, socket, head) => {
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(new ApiError(res.statusCode ?? 0, parseMessage(Buffer.concat(chunks).toString('utf8')))));
      });
      req.on('error', (error) => reject(this.wrapTransportError(error)));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
    this.upgradeAgent.destroy();
  }

  private wrapTransportError(error: Error): Error {
    return isEngineUnreachable(error) ? engineUnreachableError(this.address.display) : error;
  }
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function parseMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: string };
    if (parsed.message) return parsed.message;
  } catch {
    // not JSON: use the text itself
  }
  return text.trim() || 'no message';
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.statusCode === 404;
}

