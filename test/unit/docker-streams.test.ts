import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { frame } from '../helpers/docker-frames.js';
import { parseImageReference } from '../../src/adapters/docker/api-streams.js';
import { demuxTo } from '../../src/adapters/docker/demux.js';
import { onJsonLines } from '../../src/adapters/docker/json-lines.js';

function sink(into: string[], name: string): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      into.push(`${name}:${chunk.toString()}`);
      callback();
    },
  });
}

describe('demuxTo', () => {
  it('writes each frame to its stream in the order they came, across chunk boundaries', () => {
    const seen: string[] = [];
    const demuxer = demuxTo(sink(seen, 'out'), sink(seen, 'err'));
    const bytes = Buffer.concat([frame(1, 'one'), frame(2, 'two'), frame(1, ''), frame(1, 'three')]);
    for (let i = 0; i < bytes.length; i += 5) demuxer.push(bytes.subarray(i, i + 5));
    expect(seen).toEqual(['out:one', 'err:two', 'out:', 'out:three']);
  });

  it('keeps an incomplete frame until the rest arrives', () => {
    const seen: string[] = [];
    const demuxer = demuxTo(sink(seen, 'out'), sink(seen, 'err'));
    const whole = frame(2, 'late');
    demuxer.push(whole.subarray(0, 10));
    expect(seen).toEqual([]);
    demuxer.push(whole.subarray(10));
    expect(seen).toEqual(['err:late']);
  });
});

describe('onJsonLines', () => {
  it('parses each complete line, joins split ones and skips blank or unparsable ones', () => {
    const stream = new PassThrough();
    const values: unknown[] = [];
    onJsonLines(stream, (v) => values.push(v));
    stream.write('{"status":"Pulling fs layer","id":"a"}\n{"sta');
    stream.write('tus":"Done"}\n\n');
    stream.write('not json\n{"error":"boom"}\n');
    expect(values).toEqual([{ status: 'Pulling fs layer', id: 'a' }, { status: 'Done' }, { error: 'boom' }]);
  });
});

describe('parseImageReference', () => {
  it('splits the tag off as the engine wants it, latest by default', () => {
    expect(parseImageReference('node')).toEqual({ repository: 'node', tag: 'latest' });
    expect(parseImageReference('node:22-slim')).toEqual({ repository: 'node', tag: '22-slim' });
    expect(parseImageReference('localhost:5000/team/app')).toEqual({ repository: 'localhost:5000/team/app', tag: 'latest' });
    expect(parseImageReference('localhost:5000/team/app:1.2')).toEqual({ repository: 'localhost:5000/team/app', tag: '1.2' });
    expect(parseImageReference('node@sha256:abc')).toEqual({ repository: 'node', tag: 'sha256:abc' });
  });
});
