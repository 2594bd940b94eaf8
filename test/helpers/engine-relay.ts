import { rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A unix socket that forwards to the real Docker socket and can "restart the engine" for
 * one client: `outage()` cuts every connection (the events stream ends mid-flight) and
 * removes the socket (new connections fail as with a stopped dockerd); `restore()` brings
 * it back. Restarting the real dockerd would stop every container of every test file
 * running in parallel on this engine.
 */
export class EngineRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly path: string,
    private readonly target = '/var/run/docker.sock',
  ) {}

  get dockerHost(): string {
    return `unix://${this.path}`;
  }

  start(): Promise<void> {
    rmSync(this.path, { force: true });
    const server = createServer((client) => {
      const engine = connect(this.target);
      for (const s of [client, engine]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(engine).pipe(client);
      client.on('close', () => engine.destroy());
      engine.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve) => server.listen(this.path, () => resolve()));
  }

  async outage(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
    rmSync(this.path, { force: true });
  }

  restore(): Promise<void> {
    return this.start();
  }
}
