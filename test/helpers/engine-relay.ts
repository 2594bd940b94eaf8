import { rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';

const ENGINE_SOCKET = '/var/run/docker.sock';

/**
 * Pipes one client connection to the real engine socket, both ways; either end closing closes
 * both. Servers using it are half-open: the client's end of input reaches the engine as such.
 */
function relayToEngine(client: Socket, target: string, sockets?: Set<Socket>): void {
  const engine = connect(target);
  for (const s of [client, engine]) {
    sockets?.add(s);
    s.on('close', () => sockets?.delete(s));
    s.on('error', () => undefined);
  }
  client.pipe(engine).pipe(client);
  client.on('close', () => engine.destroy());
  engine.on('close', () => client.destroy());
}

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
    private readonly target = ENGINE_SOCKET,
  ) {}

  get dockerHost(): string {
    return `unix://${this.path}`;
  }

  start(): Promise<void> {
    rmSync(this.path, { force: true });
    const server = createServer({ allowHalfOpen: true }, (client) => relayToEngine(client, this.target, this.sockets));
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

/**
 * The engine behind TLS on 127.0.0.1, as `dockerd --tlsverify` serves it: the client must
 * present a certificate signed by `ca`. `connections` counts the handshakes that succeeded,
 * so a test can tell that a command really came this way.
 */
export class TlsEngineRelay {
  private server: TlsServer | undefined;
  private readonly sockets = new Set<Socket>();
  connections = 0;
  port = 0;

  constructor(private readonly tls: { cert: string; key: string; ca: string }) {}

  get dockerHost(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  start(): Promise<void> {
    // Half-open, as dockerd: a client that closed its sending side (stdin ended) still gets the output.
    const server = createTlsServer({ ...this.tls, requestCert: true, rejectUnauthorized: true, allowHalfOpen: true }, (client) => {
      this.connections += 1;
      relayToEngine(client, ENGINE_SOCKET, this.sockets);
    });
    // A refused handshake (the wrong-CA test) is the client's to report, not a crash here; its
    // connection is tracked from the first byte so that stop() can end it too.
    server.on('tlsClientError', () => undefined);
    server.on('connection', (raw: Socket) => {
      this.sockets.add(raw);
      raw.on('close', () => this.sockets.delete(raw));
    });
    this.server = server;
    return new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => {
        this.port = (server.address() as { port: number }).port;
        resolve();
      }),
    );
  }

  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
