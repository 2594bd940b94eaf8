import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { diffPorts, ListenerManager } from '../../proxy/listeners.js';

describe('diffPorts', () => {
  it('opens what is new and closes what is gone', () => {
    expect(diffPorts([3000, 5173], [3000, 8080])).toEqual({ open: [8080], close: [5173] });
    expect(diffPorts([], [5173, 3000])).toEqual({ open: [3000, 5173], close: [] });
    expect(diffPorts([3000], [])).toEqual({ open: [], close: [3000] });
    expect(diffPorts([3000], [3000])).toEqual({ open: [], close: [] });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createTcpServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('ListenerManager', () => {
  it('opens and closes real listeners and reports a port held by someone else', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const blocker = createTcpServer();
    const held = await freePort();
    await new Promise<void>((r) => blocker.listen(held, '127.0.0.1', () => r()));
    const failures: Array<{ port: number; code?: string }> = [];
    const servers: Server[] = [];
    const manager = new ListenerManager(
      () => {
        const s = createServer((_req, res) => res.end('ok'));
        servers.push(s);
        return s;
      },
      ['127.0.0.1'],
      { opened: () => undefined, closed: () => undefined, failed: (port, _address, error) => failures.push({ port, code: error.code }) },
    );
    await manager.reconcile([a, b, held]);
    expect(manager.ports()).toEqual([a, b].sort((x, y) => x - y));
    expect(failures).toEqual([{ port: held, code: 'EADDRINUSE' }]);
    await manager.reconcile([b]);
    expect(manager.ports()).toEqual([b]);
    expect(servers.filter((s) => s.listening)).toHaveLength(1);
    await manager.close();
    expect(servers.some((s) => s.listening)).toBe(false);
    blocker.close();
  });
});
