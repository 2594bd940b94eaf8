import { describe, expect, it } from 'vitest';
import { chooseSeed, seedKey, type SeedCandidate } from '../../workspaces/seed/key.js';

const lock = (text: string) => [{ name: 'package-lock.json', content: Buffer.from(text) }];

describe('seed key', () => {
  it('is equal only for the same directory, image and key file bytes', () => {
    const key = seedKey('node_modules', 'node:22', lock('{"a":1}'));
    expect(seedKey('node_modules', 'node:22', lock('{"a":1}'))).toBe(key);
    expect(seedKey('node_modules', 'node:22', lock('{"a":2}'))).not.toBe(key);
    expect(seedKey('node_modules', 'node:22-alpine', lock('{"a":1}'))).not.toBe(key);
    expect(seedKey('web/node_modules', 'node:22', lock('{"a":1}'))).not.toBe(key);
  });

  it('cannot be forged by moving bytes between fields', () => {
    expect(seedKey('ab', 'c', [])).not.toBe(seedKey('a', 'bc', []));
    expect(seedKey('d', 'i', [{ name: 'x', content: Buffer.from('yz') }])).not.toBe(seedKey('d', 'i', [{ name: 'xy', content: Buffer.from('z') }]));
  });
});

describe('choosing a seed', () => {
  const ws = (origin: string, key: string | undefined, updatedAt: number): SeedCandidate => ({ origin, kind: 'workspace', key, updatedAt });
  const cache = (origin: string, key: string, updatedAt: number): SeedCandidate => ({ origin, kind: 'cache', key, updatedAt });

  it('takes an exact match first, a cache entry before a live workspace', () => {
    const choice = chooseSeed([ws('newest', 'other', 30), ws('same', 'k', 10), cache('cached', 'k', 5)], 'k');
    expect(choice).toEqual({ candidate: expect.objectContaining({ origin: 'cached' }), exact: true });
    expect(chooseSeed([ws('newest', 'other', 30), ws('same', 'k', 10)], 'k')?.candidate.origin).toBe('same');
  });

  it('falls back to the most recently set-up workspace, then the newest cache entry, as nearest', () => {
    expect(chooseSeed([ws('old', 'a', 10), ws('recent', undefined, 20), cache('c', 'b', 99)], 'k')).toEqual({ candidate: expect.objectContaining({ origin: 'recent' }), exact: false });
    expect(chooseSeed([cache('c1', 'a', 1), cache('c2', 'b', 2)], 'k')?.candidate.origin).toBe('c2');
    expect(chooseSeed([], 'k')).toBeUndefined();
  });
});
