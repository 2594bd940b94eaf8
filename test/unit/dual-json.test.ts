import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDualJson, parseDualJson } from '../../src/config/dual-json.js';

const FILE = '/repo/.dual.json';

function errorOf(text: string): string {
  try {
    parseDualJson(text, FILE);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('.dual.json', () => {
  it('fills in the documented defaults', () => {
    expect(parseDualJson('{}', FILE)).toEqual({
      image: 'node:22',
      ports: [3000],
      env: {},
      volumes: ['node_modules'],
      hostHeader: 'preserve',
      trustHostCA: true,
      npmCache: true,
      attached: {},
    });
  });

  it('treats a missing file as all defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dual-json-'));
    expect(loadDualJson(dir).ports).toEqual([3000]);
    writeFileSync(join(dir, '.dual.json'), '{"ports":[5173,3000],"start":"npm run dev"}');
    expect(loadDualJson(dir)).toMatchObject({ ports: [5173, 3000], start: 'npm run dev' });
  });

  it('names the file, the unknown key and the keys it knows', () => {
    const message = errorOf('{"portz":[3000]}');
    expect(message).toContain(FILE);
    expect(message).toContain('"portz"');
    expect(message).toContain('ports');
  });

  it('names the key and the expected type for a wrong type', () => {
    expect(errorOf('{"ports":["3000"]}')).toBe(`${FILE}: key "ports.0": expected number, received string`);
    expect(errorOf('{"env":{"A":1}}')).toContain('key "env.A": expected string');
  });

  it('refuses volumes outside the worktree and duplicate ports', () => {
    expect(errorOf('{"volumes":["../x"]}')).toContain('relative path inside the worktree');
    expect(errorOf('{"volumes":["/etc"]}')).toContain('relative path inside the worktree');
    expect(errorOf('{"ports":[3000,3000]}')).toContain('each port once');
    expect(errorOf('{"ports":[70000]}')).toContain('key "ports.0"');
  });

  it('lets a branch turn the host trust and the npm cache off, never point them at a host path', () => {
    expect(parseDualJson('{"trustHostCA":false,"npmCache":false}', FILE)).toMatchObject({ trustHostCA: false, npmCache: false });
    expect(() => parseDualJson('{"npmCache":"/etc"}', FILE)).toThrow(/key "npmCache": expected boolean/);
  });

  it('reports JSON syntax errors with the file name', () => {
    expect(errorOf('{"ports":')).toMatch(/^\/repo\/\.dual\.json: not valid JSON/);
  });
});
