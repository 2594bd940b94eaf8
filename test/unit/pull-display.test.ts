import { describe, expect, it } from 'vitest';
import { PullDisplay } from '../../workspaces/pull-display.js';

/** Events as engine 20.10 streamed them for a pull from distribution 2.8 (one cut layer). */
const EVENTS = [
  { status: 'Pulling from dual-test/pull', id: 'v1' },
  { status: 'Already exists', id: '5a8fe07da3e4' },
  { status: 'Pulling fs layer', id: 'beeba51dac54' },
  { status: 'Downloading', id: 'beeba51dac54', progressDetail: { current: 36445, total: 1049046 }, progress: '[=>   ]  36.45kB/1.049MB' },
  { status: 'Downloading', id: 'beeba51dac54', progressDetail: { current: 536445, total: 1049046 }, progress: '[===>   ]  536.4kB/1.049MB' },
  ...[5, 4, 3, 2, 1].map((n) => ({ status: `Retrying in ${n} second${n === 1 ? '' : 's'}`, id: 'beeba51dac54' })),
  ...[10, 9, 8].map((n) => ({ status: `Retrying in ${n} seconds`, id: 'beeba51dac54' })),
  { status: 'Downloading', id: 'beeba51dac54', progressDetail: { current: 36445, total: 1049046 }, progress: '[=>   ]  36.45kB/1.049MB' },
  { status: 'Download complete', id: 'beeba51dac54' },
  { status: 'Extracting', id: 'beeba51dac54', progressDetail: { current: 32768, total: 1049046 }, progress: '[=>  ]  32.77kB/1.049MB' },
  { status: 'Extracting', id: 'beeba51dac54', progressDetail: { current: 1049046, total: 1049046 }, progress: '[=====>]  1.049MB/1.049MB' },
  { status: 'Pull complete', id: 'beeba51dac54' },
  { status: 'Digest: sha256:6fb4' },
  { status: 'Status: Downloaded newer image for 127.0.0.1:5000/dual-test/pull:v1' },
];

describe('pull progress on stderr', () => {
  it('in a log: one line per layer state change, the size on Downloading, one line per engine retry', () => {
    const display = new PullDisplay(false);
    expect(EVENTS.map((e) => display.render(e)).join('') + display.finish()).toBe(
      [
        '  v1: Pulling from dual-test/pull',
        '  5a8fe07da3e4: Already exists',
        '  beeba51dac54: Pulling fs layer',
        '  beeba51dac54: Downloading (1.0MiB)',
        '  beeba51dac54: Retrying in 5 seconds',
        '  beeba51dac54: Retrying in 10 seconds',
        '  beeba51dac54: Downloading (1.0MiB)',
        '  beeba51dac54: Download complete',
        '  beeba51dac54: Extracting',
        '  beeba51dac54: Pull complete',
        '  Digest: sha256:6fb4',
        '  Status: Downloaded newer image for 127.0.0.1:5000/dual-test/pull:v1',
        '',
      ].join('\n'),
    );
  });

  it('on a terminal: byte counts and the retry countdown rewrite one line, cleared at the end', () => {
    const display = new PullDisplay(true);
    expect(display.render(EVENTS[3]!)).toBe('\r\x1b[K  beeba51dac54 Downloading [=>   ]  36.45kB/1.049MB');
    expect(display.render(EVENTS[6]!)).toBe('\r\x1b[K  beeba51dac54 Retrying in 4 seconds');
    expect(display.render({ status: 'Pull complete', id: 'beeba51dac54' })).toBe('\r\x1b[K  beeba51dac54: Pull complete\n');
    expect(display.finish()).toBe('\r\x1b[K');
  });
});
