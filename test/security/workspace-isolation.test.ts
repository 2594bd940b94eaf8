import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';
import { dualOk, runDual } from '../helpers/cli.js';
import { branchPageConfig } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freePort, request, waitFor } from '../helpers/proxy-fixtures.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Threat model: a workspace (and the attached containers in its network namespace) cannot
 * open a connection to another workspace, by IP, by name, or through the host's published
 * ports; it still reaches its own localhost, and the proxy on the host still reaches both.
 */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('net');
const [a, b] = [`${repo}-a`, `${repo}-b`];
const docker = new ApiTransport();
let port = 0;

interface Inspect {
  NetworkSettings: { Networks: Record<string, { IPAddress: string; Gateway: string }>; Ports: Record<string, Array<{ HostPort: string }> | null> };
}

async function address(id: string): Promise<{ ip: string; gateway: string; published: string }> {
  const c = await docker.request<Inspect>('GET', `/containers/dual-${id}/json`);
  // Its one network, whichever dual chose (the default bridge before workspace isolation).
  const net = Object.values(c.NetworkSettings.Networks)[0]!;
  return { ip: net.IPAddress, gateway: net.Gateway, published: c.NetworkSettings.Ports[`${port}/tcp`]![0]!.HostPort };
}

/** busybox wget inside a container; `timeout` bounds a connection whose packets are dropped. */
function wgetFrom(args: string[], url: string) {
  return runDual([...args, '--', 'timeout', '3', 'wget', '-qO-', url], { env });
}

beforeAll(async () => {
  port = await freePort();
  makeRepo(sandbox.path('net'), { '.dual.json': branchPageConfig(port) }, { a: {}, b: {} });
  await dualOk(['add', sandbox.path('net'), '--name', repo], { env });
  await dualOk(['create', repo, 'a'], { env });
  await dualOk(['create', repo, 'b'], { env });
  await dualOk(['attach', a, 'side', '--image', 'dual-test/busybox', '--', 'sleep', 'infinity'], { env });
  await dualOk(['proxy', 'start', '--port', String(port)], { env });
});
afterAll(async () => {
  await runDual(['proxy', 'stop'], { env });
  await sandbox.cleanup();
  docker.close();
});

describe('workspace network isolation', () => {
  it("a workspace reaches its own localhost but not another workspace's IP, name or published port", async () => {
    const target = await address(b);
    // The host reaches b on that address: the refusals below are the network's doing.
    const direct = await waitFor(() => fetch(`http://${target.ip}:${port}/`).then((r) => r.text()), 15_000, 'b to answer on its IP');
    expect(direct.trim()).toBe('b');
    expect(await waitFor(async () => {
      const own = await wgetFrom(['exec', a], `http://localhost:${port}/`);
      return own.code === 0 ? own.stdout.trim() : undefined;
    }, 15_000, 'a to answer on its localhost')).toBe('a');

    for (const url of [`http://${target.ip}:${port}/`, `http://dual-${b}:${port}/`, `http://${target.gateway}:${target.published}/`]) {
      const r = await wgetFrom(['exec', a], url);
      expect({ url, code: r.code, out: r.stdout }).toMatchObject({ url, out: '' });
      expect(r.code).not.toBe(0);
    }
  });

  it("an attached container of a shares a's localhost and is refused by b too", async () => {
    const target = await address(b);
    const own = await wgetFrom(['attached', 'exec', a, 'side'], `http://localhost:${port}/`);
    expect(own.stdout.trim()).toBe('a');
    const other = await wgetFrom(['attached', 'exec', a, 'side'], `http://${target.ip}:${port}/`);
    expect(other.code).not.toBe(0);
    expect(other.stdout).toBe('');
  });

  it('the proxy on the host still serves both', async () => {
    for (const id of [a, b]) {
      const reply = await waitFor(async () => {
        const r = await request(port, `${id}.localhost:${port}`);
        return r.status === 200 ? r : undefined;
      }, 15_000, `the proxy to serve ${id}`);
      expect(reply.body.trim()).toBe(id.endsWith('-a') ? 'a' : 'b');
    }
  });
});
