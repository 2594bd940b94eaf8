import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { EngineAddress } from './connection.js';
import { dialEngine } from './engine-agent.js';

/**
 * Keep-alive connections to the engine for request/answer calls (engine-exchange.ts): a call
 * takes an idle one or dials a new one (unix, TCP, TLS or ssh: engine-agent.ts) and gives it
 * back when its answer was whole. Idle connections do not keep the process alive, and one the
 * engine closed (or that failed) while idle is dropped, never handed out.
 */
export class EngineConnections {
  /** Each idle connection with the listener that drops it. */
  private readonly idle = new Map<Duplex, () => void>();

  constructor(private readonly address: EngineAddress) {}

  take(): Promise<Duplex> {
    for (const [socket, drop] of this.idle) {
      this.stopWatching(socket, drop);
      (socket as Partial<Socket>).ref?.();
      return Promise.resolve(socket);
    }
    return this.dial();
  }

  /** A fresh connection that is never pooled (an upgraded exec stream belongs to its caller). */
  dial(): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const socket = dialEngine(this.address, (error, ready) => (error ? reject(error) : resolve(ready!)));
      // Unix and TCP sockets come back at once; their connect errors arrive as 'error' events
      // during the first exchange. TLS and ssh answer through the callback.
      if (socket) resolve(socket);
    });
  }

  give(socket: Duplex): void {
    if (socket.destroyed) return;
    const drop = () => {
      this.stopWatching(socket, drop);
      socket.destroy();
    };
    this.idle.set(socket, drop);
    socket.on('close', drop);
    socket.on('end', drop);
    socket.on('error', drop);
    (socket as Partial<Socket>).unref?.();
  }

  close(): void {
    for (const socket of [...this.idle.keys()]) socket.destroy();
    this.idle.clear();
  }

  private stopWatching(socket: Duplex, drop: () => void): void {
    this.idle.delete(socket);
    socket.off('close', drop);
    socket.off('end', drop);
    socket.off('error', drop);
  }
}
