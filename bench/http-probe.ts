import http from 'node:http';

/** One GET with an explicit Host (Node cannot resolve *.localhost); resolves to status and body size. */
export function probe(address: string, port: number, host: string, path = '/'): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: address, port, path, headers: { host }, agent: false, timeout: 3_000 }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/**
 * Polls until the 1 KiB page answers 200 through `address:port`, or throws after
 * `timeoutMs`, or at once when `gaveUp` names a reason (e.g. the server process exited).
 */
export async function waitServing(
  address: string,
  port: number,
  host: string,
  what: string,
  gaveUp?: () => string | undefined,
  timeoutMs = 30_000,
  /** Any body length (the module page is not the 1 KiB page). */
  anySize = false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const reason = gaveUp?.();
    if (reason) throw new Error(`${what} ${reason}`);
    try {
      const r = await probe(address, port, host);
      if (r.status === 200 && (anySize || r.bytes === 1024)) return;
      last = `status ${r.status}, ${r.bytes} bytes`;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() > deadline) throw new Error(`${what} never served the 1 KiB page (${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
