import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { DockerError, dockerErrorFromAnswer, dockerErrorFromStream, isDockerStatus } from '../../src/adapters/docker/docker-error.js';
import { isDualError } from '../../src/model/errors.js';

describe('dockerErrorFromAnswer', () => {
  it("keeps the status and the engine's own message from a JSON body", () => {
    const error = dockerErrorFromAnswer(404, '{"message":"No such container: dual-x"}\n');
    expect(error).toBeInstanceOf(DockerError);
    expect(error.status).toBe(404);
    expect(error.message).toBe('No such container: dual-x');
    // A DualError: the CLI prints it as one line with no stack.
    expect(isDualError(error)).toBe(true);
  });

  it('uses a plain-text body as the message, its first line only', () => {
    expect(dockerErrorFromAnswer(500, 'page not found\nmore detail\n').message).toBe('page not found');
    expect(dockerErrorFromAnswer(502, '').message).toBe('no message');
    expect(dockerErrorFromAnswer(400, '{"other":1}').message).toBe('{"other":1}');
  });

  it('reads a failure reported inside the pull stream', () => {
    const error = dockerErrorFromStream({ error: 'manifest for x:9 not found: manifest unknown', errorDetail: { message: 'manifest for x:9 not found: manifest unknown' } });
    expect(error.message).toBe('manifest for x:9 not found: manifest unknown');
    expect(dockerErrorFromStream({ errorDetail: { message: 'only the detail' } }).message).toBe('only the detail');
  });

  it('tells statuses apart only on DockerErrors', () => {
    expect(isDockerStatus(new DockerError(409, 'conflict'), 409)).toBe(true);
    expect(isDockerStatus(new DockerError(409, 'conflict'), 404)).toBe(false);
    expect(isDockerStatus(Object.assign(new Error('x'), { status: 409, statusCode: 409 }), 409)).toBe(false);
  });
});

/** A stand-in engine on a unix socket: these tests are about the transport's mapping, not Docker. */
describe('ApiTransport failures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dual-transport-'));
  const socketPath = join(dir, 'engine.sock');
  const server = http.createServer((req, res) => {
    if (req.url === '/ok') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"a":1}');
    if (req.url === '/empty') return void res.writeHead(204).end();
    res.writeHead(409, { 'Content-Type': 'application/json' }).end('{"message":"Conflict. The container name is already in use"}');
  });
  const transport = new ApiTransport({ kind: 'unix', socketPath, display: socketPath });

  beforeAll(() => new Promise<void>((resolve) => server.listen(socketPath, resolve)));
  afterAll(async () => {
    transport.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers JSON on success and nothing for an empty body', async () => {
    expect(await transport.request('GET', '/ok')).toEqual({ a: 1 });
    expect(await transport.request('POST', '/empty')).toBeUndefined();
  });

  it('turns a failure answer into a DockerError, for calls and hijacks alike', async () => {
    await expect(transport.request('POST', '/containers/create')).rejects.toMatchObject({ status: 409, message: 'Conflict. The container name is already in use' });
    await expect(transport.hijack('/exec/x/start', {})).rejects.toBeInstanceOf(DockerError);
  });

  it('says where it looked when no engine answers', async () => {
    const missing = join(dir, 'none.sock');
    const nowhere = new ApiTransport({ kind: 'unix', socketPath: missing, display: missing });
    await expect(nowhere.request('GET', '/version')).rejects.toThrow(`cannot reach the Docker engine at ${missing}: start Docker (or set DOCKER_HOST) and try again`);
  });
});
