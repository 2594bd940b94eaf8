import { describe, expect, it } from 'vitest';
import type { ContainerInspect } from '../../src/adapters/docker/api-types.js';
import type { ContainerEvent, DockerDiscovery } from '../../proxy/docker-discovery.js';
import { RouteSync } from '../../proxy/route-sync.js';
import { RouteTable } from '../../proxy/route-table.js';

/** An in-memory engine: containers, an events stream that can be cut, and an outage switch. */
class FakeEngine implements DockerDiscovery {
  readonly display = 'fake';
  containers = new Map<string, ContainerInspect>();
  reachable = true;
  private listeners: Array<{ onEvent: (e: ContainerEvent) => void; onEnd: (e?: Error) => void }> = [];

  set(id: string, workspace: string, state: string, ip: string): void {
    this.containers.set(id, { Id: id, Name: `/dual-${workspace}`, State: { Status: state }, Config: { Labels: { 'dual.workspace': workspace, 'dual.ports': '3000' } }, NetworkSettings: { IPAddress: ip } });
  }
  emit(id: string, action: string): void {
    for (const l of this.listeners) l.onEvent({ containerId: id, action });
  }
  cut(): void {
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l.onEnd(new Error('engine went away'));
  }
  async listLabelled() {
    if (!this.reachable) throw new Error('ECONNREFUSED');
    return [...this.containers.values()];
  }
  async inspect(id: string) {
    if (!this.reachable) throw new Error('ECONNREFUSED');
    return this.containers.get(id);
  }
  async subscribe(onEvent: (e: ContainerEvent) => void, onEnd: (e?: Error) => void) {
    if (!this.reachable) throw new Error('ECONNREFUSED');
    const entry = { onEvent, onEnd };
    this.listeners.push(entry);
    return { close: () => (this.listeners = this.listeners.filter((l) => l !== entry)) };
  }
  async isDockerDesktop() {
    return false;
  }
}

/** Polls `check` until true; the deadline is generous because it only ends a failing wait. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

const quiet = { info: () => undefined, warn: () => undefined };

describe('RouteSync', () => {
  it('loads the labelled containers, then follows events', async () => {
    const engine = new FakeEngine();
    engine.set('c1', 'shop-main', 'running', '172.17.0.2');
    const table = new RouteTable('bridge');
    let changes = 0;
    const sync = new RouteSync(engine, table, { ...quiet, changed: () => changes++ });
    await sync.start();
    expect(table.resolve('shop-main', 3000)).toMatchObject({ kind: 'route', upstream: { host: '172.17.0.2' } });

    engine.set('c1', 'shop-main', 'running', '172.17.0.7');
    engine.emit('c1', 'start');
    await until(() => table.resolve('shop-main', 3000).kind === 'route' && (table.resolve('shop-main', 3000) as { upstream: { host: string } }).upstream.host === '172.17.0.7');

    engine.containers.delete('c1');
    engine.emit('c1', 'destroy');
    await until(() => table.resolve('shop-main', 3000).kind === 'unknown');
    expect(changes).toBeGreaterThanOrEqual(3);
    sync.stop();
  });

  it('reconnects after the engine goes away and resynchronises what changed meanwhile', async () => {
    const engine = new FakeEngine();
    engine.set('c1', 'a', 'running', '172.17.0.2');
    const table = new RouteTable('bridge');
    const sync = new RouteSync(engine, table, { ...quiet, changed: () => undefined });
    await sync.start();
    engine.reachable = false;
    engine.cut();
    expect(sync.connected).toBe(false);
    engine.set('c1', 'a', 'exited', '');
    engine.set('c2', 'b', 'running', '172.17.0.3');
    engine.reachable = true;
    await until(() => sync.connected);
    expect(sync.syncCount).toBe(2);
    expect(table.resolve('a', 3000).kind).toBe('stopped');
    expect(table.resolve('b', 3000).kind).toBe('route');
    sync.stop();
  });

  it('keeps retrying when the engine is down at start', async () => {
    const engine = new FakeEngine();
    engine.reachable = false;
    const table = new RouteTable('bridge');
    const sync = new RouteSync(engine, table, { ...quiet, changed: () => undefined });
    await sync.start();
    expect(sync.connected).toBe(false);
    engine.set('c1', 'a', 'running', '172.17.0.2');
    engine.reachable = true;
    await until(() => sync.connected);
    expect(table.resolve('a', 3000).kind).toBe('route');
    sync.stop();
  });
});
