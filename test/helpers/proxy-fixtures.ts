import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { LABEL } from '../../src/model/labels.js';
import type { Sandbox } from './sandbox.js';

const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

export interface WorkspaceFixture {
  id: string;
  containerId: string;
}

/**
 * Creates a container the way `dual create` does (name, labels, default bridge, ports
 * published on 127.0.0.1) running test/fixtures/fixture-server.mjs. `listen` defaults to
 * every declared port; fewer makes "nothing listening" happen.
 */
export async function createWorkspaceContainer(
  docker: ApiTransport,
  sandbox: Sandbox,
  options: { branch: string; ports: number[]; listen?: number[]; hostRewrite?: boolean; repo?: string; start?: boolean; network?: string },
): Promise<WorkspaceFixture> {
  const repo = options.repo ?? sandbox.repoName('px');
  const id = `${repo}-${options.branch}`;
  const labels: Record<string, string> = {
    [LABEL.workspace]: id,
    [LABEL.repo]: repo,
    [LABEL.branch]: options.branch,
    [LABEL.worktree]: sandbox.path('worktrees', id),
    [LABEL.ports]: options.ports.join(','),
    [LABEL.version]: 'test',
    [LABEL.home]: sandbox.home,
  };
  if (options.hostRewrite) labels[LABEL.hostRewrite] = 'localhost';
  const portKeys = Object.fromEntries(options.ports.map((p) => [`${p}/tcp`, {}]));
  const bindings = Object.fromEntries(options.ports.map((p) => [`${p}/tcp`, [{ HostIp: '127.0.0.1', HostPort: '' }]]));
  const created = await docker.request<{ Id: string }>('POST', `/containers/create?name=dual-${id}`, {
    Image: 'dual-test/node',
    Cmd: ['node', '/fixture/fixture-server.mjs'],
    Env: [`NAME=${options.branch}`, `PORTS=${(options.listen ?? options.ports).join(',')}`],
    Labels: labels,
    ExposedPorts: portKeys,
    StopSignal: 'SIGKILL',
    HostConfig: { Binds: [`${FIXTURES}:/fixture:ro`], PortBindings: bindings, NetworkMode: options.network ?? 'bridge' },
  });
  if (options.start ?? true) await startContainer(docker, created.Id);
  return { id, containerId: created.Id };
}

/** Adds a sidecar attached to a workspace's netns (dual.attached): the proxy must never route to it. */
export async function createAttachedContainer(docker: ApiTransport, workspace: WorkspaceFixture, sandbox: Sandbox, name: string): Promise<string> {
  const repo = sandbox.repoName('px');
  const created = await docker.request<{ Id: string }>('POST', `/containers/create?name=dual-${workspace.id}--${name}`, {
    Image: 'dual-test/busybox',
    Cmd: ['sleep', '3600'],
    Labels: { [LABEL.workspace]: workspace.id, [LABEL.repo]: repo, [LABEL.attached]: name, [LABEL.ports]: '1', [LABEL.home]: sandbox.home },
    StopSignal: 'SIGKILL',
    HostConfig: { NetworkMode: `container:${workspace.containerId}` },
  });
  await docker.request('POST', `/containers/${created.Id}/start`);
  return created.Id;
}

export async function startContainer(docker: ApiTransport, id: string): Promise<void> {
  await docker.request('POST', `/containers/${id}/start`);
}

/** Polls until `check` returns a value (not undefined/false) or throws the last failure after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

export { freePort } from './processes.js';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  trailers: NodeJS.Dict<string>;
}

/** One request to the proxy on 127.0.0.1 with a Host header (Node cannot resolve *.localhost). */
export function request(
  port: number,
  host: string,
  options: { path?: string; method?: string; headers?: http.OutgoingHttpHeaders; agent?: http.Agent | false; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: options.path ?? '/', method: options.method ?? 'GET', headers: { host, ...options.headers }, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), trailers: res.trailers }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export async function whoami(port: number, host: string, agent?: http.Agent): Promise<{ name: string; headers: Record<string, string> }> {
  const reply = await request(port, host, { agent });
  if (reply.status !== 200) throw new Error(`${host}:${port} answered ${reply.status}: ${reply.body.slice(0, 200)}`);
  return JSON.parse(reply.body) as { name: string; headers: Record<string, string> };
}
