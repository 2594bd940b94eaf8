import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Streaming throughput: one download of `bytes` from the chunked endpoint, in MB/s (10^6).
 * curl is the client because it costs little CPU; a Node client would compete with the
 * proxy for the 2 cores and measure itself.
 */
export async function streamMBps(url: string, host: string, bytes: number): Promise<number> {
  const { stdout } = await run(
    'curl',
    ['-sS', '--fail', '--max-time', '60', '-o', '/dev/null', '-H', `Host: ${host}`, '-w', '%{size_download} %{time_total}', `${url}/stream?bytes=${bytes}`],
    { timeout: 70_000 },
  );
  const [size, seconds] = stdout.trim().split(' ').map(Number);
  if (size !== bytes) throw new Error(`streamed ${size} of ${bytes} bytes from ${url}`);
  return size / 1e6 / seconds!;
}
