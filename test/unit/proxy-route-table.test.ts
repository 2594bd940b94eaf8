import { describe, expect, it } from 'vitest';
import type { ContainerRecord } from '../../proxy/container-record.js';
import { RouteTable } from '../../proxy/route-table.js';

function record(overrides: Partial<ContainerRecord>): ContainerRecord {
  return {
    containerId: 'c1',
    workspace: 'shop-main',
    name: 'dual-shop-main',
    state: 'running',
    repo: 'shop',
    branch: 'main',
    worktree: '/w/shop/main',
    ports: [3000],
    hostRewrite: false,
    bridgeIp: '172.17.0.2',
    published: { 3000: 49153 },
    ...overrides,
  };
}

describe('RouteTable', () => {
  it('resolves a running workspace to its bridge address or published port', () => {
    const table = new RouteTable('bridge');
    table.upsert(record({}));
    expect(table.resolve('shop-main', 3000)).toMatchObject({ kind: 'route', upstream: { host: '172.17.0.2', port: 3000, origin: 'http://172.17.0.2:3000' } });
    table.setUpstreamMode('published');
    expect(table.resolve('shop-main', 3000)).toMatchObject({ kind: 'route', upstream: { host: '127.0.0.1', port: 49153 } });
  });

  it('tells unknown, stopped, undeclared port and missing address apart', () => {
    const table = new RouteTable('published');
    table.upsert(record({ containerId: 'a', workspace: 'a', state: 'exited', bridgeIp: '', published: {} }));
    table.upsert(record({ containerId: 'b', workspace: 'b', published: {} }));
    expect(table.resolve('nope', 3000).kind).toBe('unknown');
    expect(table.resolve('a', 3000).kind).toBe('stopped');
    expect(table.resolve('a', 5173).kind).toBe('port-not-served');
    expect(table.resolve('b', 3000)).toMatchObject({ kind: 'no-address', mode: 'published' });
  });

  it('follows an upsert with a new address (restart) and a removal', () => {
    const table = new RouteTable('bridge');
    table.upsert(record({}));
    expect(table.resolve('shop-main', 3000)).toMatchObject({ upstream: { host: '172.17.0.2' } });
    table.upsert(record({ bridgeIp: '172.17.0.9' }));
    expect(table.resolve('shop-main', 3000)).toMatchObject({ upstream: { host: '172.17.0.9' } });
    expect([...table.liveOrigins()]).toEqual(['http://172.17.0.9:3000']);
    table.remove('c1');
    expect(table.resolve('shop-main', 3000).kind).toBe('unknown');
    expect(table.declaredPorts()).toEqual([]);
  });

  it('never routes to attached sidecars, but lists them under their workspace', () => {
    const table = new RouteTable('bridge');
    table.upsert(record({ containerId: 'side', attached: 'db', ports: [5432], bridgeIp: '' }));
    table.upsert(record({}));
    const view = table.workspace('shop-main')!;
    expect(view.main.containerId).toBe('c1');
    expect(view.attached.map((a) => a.attached)).toEqual(['db']);
    expect(table.declaredPorts()).toEqual([3000]);
  });

  it('prefers the running container when two carry one workspace label', () => {
    const table = new RouteTable('bridge');
    table.replaceAll([record({ containerId: 'old', state: 'exited' }), record({ containerId: 'new', bridgeIp: '172.17.0.5' })]);
    expect(table.resolve('shop-main', 3000)).toMatchObject({ kind: 'route', upstream: { host: '172.17.0.5' } });
  });

  it('declares the union of every workspace port, stopped ones included (they answer 503)', () => {
    const table = new RouteTable('bridge');
    table.replaceAll([record({ containerId: 'a', workspace: 'a', ports: [3000, 5173] }), record({ containerId: 'b', workspace: 'b', ports: [8080], state: 'exited' })]);
    expect(table.declaredPorts()).toEqual([3000, 5173, 8080]);
  });
});
