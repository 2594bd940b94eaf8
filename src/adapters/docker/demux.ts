/**
 * Docker's multiplexed stream (non-TTY exec, attach and logs): frames of an 8-byte header
 * (stream id: 1 stdout, 2 stderr; 3 zero bytes; payload size, 32-bit big-endian) + payload.
 * Frames may be split across or packed into chunks, so this keeps a small buffer. The one
 * demuxer: exec sessions and logs both go through it.
 */
export class StreamDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: 1 | 2, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const stream = this.pending[0] === 2 ? 2 : 1;
      this.onFrame(stream, this.pending.subarray(8, 8 + size));
      this.pending = this.pending.subarray(8 + size);
    }
  }
}

/** Frames written to stdout or stderr in the stream's own order (two pipes could swap lines). */
export function demuxTo(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): StreamDemuxer {
  return new StreamDemuxer((stream, payload) => (stream === 2 ? stderr : stdout).write(payload));
}
