import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay in front of a registry that, while `cutting` is set, lets the headers and
 * `afterBytes` bytes of the body of the response to `GET .../blobs/<digest>` through and then
 * drops both connections: a network
 * failure in the middle of a pull, at the same point every run. The engine speaks plain
 * HTTP/1.1 to a loopback registry, one request at a time per connection, so the request line
 * that starts a client chunk says what the next response is.
 */
export class CutRelay {
  cutting: string | undefined;
  /** Cut at most this many responses, then pass everything (a network that comes back). */
  limit = Infinity;
  /** How many responses were cut so far. */
  cuts = 0;
  /** While set: the response to `GET .../blobs/<digest>` is held back, not a byte passes (a stalled network). */
  stalling: string | undefined;
  /** Connections holding a stalled response, still open (the engine closes its own when it gives up). */
  readonly stalled = new Set<Socket>();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  /** Body bytes let through before the cut. */
  afterBytes = 0;

  constructor(private readonly target: string) {}

  async start(): Promise<string> {
    const [host, port] = this.target.split(':');
    const server = createServer((client) => {
      const upstream = connect(Number(port), host!);
      let inCutBlob = false;
      /** Response bytes passed so far, and where its body starts (once the headers have passed). */
      let sent = 0;
      let bodyStart: number | undefined;
      let head = '';
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('data', (chunk: Buffer) => {
        const line = chunk.toString('latin1', 0, Math.min(chunk.length, 300));
        if (/^[A-Z]+ \//.test(line)) {
          const requested = (digest: string | undefined) => digest !== undefined && line.startsWith('GET ') && line.split('\r\n')[0]!.includes(`/blobs/${digest}`);
          inCutBlob = requested(this.cutting) && this.cuts < this.limit;
          if (requested(this.stalling)) {
            this.stalled.add(client);
            client.on('close', () => this.stalled.delete(client));
          }
          sent = 0;
          bodyStart = undefined;
          head = '';
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        if (this.stalled.has(client)) return;
        if (inCutBlob && bodyStart === undefined) {
          head += chunk.toString('latin1');
          const end = head.indexOf('\r\n\r\n');
          if (end !== -1) bodyStart = end + 4;
        }
        if (inCutBlob && bodyStart !== undefined && sent + chunk.length > bodyStart + this.afterBytes) {
          client.write(chunk.subarray(0, Math.max(0, bodyStart + this.afterBytes - sent)));
          this.cuts += 1;
          client.destroy();
          upstream.destroy();
          return;
        }
        sent += chunk.length;
        client.write(chunk);
      });
      client.on('close', () => upstream.destroy());
      // The registry closes its side once it has answered: a stalled response keeps the engine's
      // connection open regardless (a network that went quiet), until the engine gives up on it.
      upstream.on('close', () => {
        if (!this.stalled.has(client)) client.destroy();
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
