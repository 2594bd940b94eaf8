import WebSocket from 'ws';


/**
 * N sequential round trips of a small text message on one WebSocket (HMR is exactly this
 * shape: small messages, latency matters, not bandwidth). Resolves to each round trip in ms;
 * the first `warmup` are not counted.
 */
export function wsEcho(address: string, port: number, host: string, count: number, warmup = 100): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://${address}:${port}/ws`, { headers: { host }, perMessageDeflate: false, handshakeTimeout: 5_000 });
    const samples: number[] = [];
    let sent = 0;
    let started = 0;
    const payload = JSON.stringify({ type: 'update', path: '/src/App.tsx', timestamp: 0 });
    const next = () => {
      started = performance.now();
      sent++;
      socket.send(payload);
    };
    const timer = setTimeout(() => socket.terminate(), 60_000);
    socket.on('open', next);
    socket.on('message', () => {
      if (sent > warmup) samples.push(performance.now() - started);
      if (sent < warmup + count) return next();
      clearTimeout(timer);
      socket.close();
      resolve(samples);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (samples.length < count) reject(new Error(`WebSocket closed after ${samples.length} of ${count} round trips`));
    });
  });
}
