import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDualJson, parseDualJson } from '../../src/adapters/config/dual-json.js';
import { portsToOpen } from '../../proxy/port-policy.js';

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
      hostHeader: 'preserve',
      trustHostCA: true,
      npmCache: true,
      copy: [],
      seed: {},
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

  it('refuses privileged ports: the proxy would open the same port on the host', () => {
    expect(errorOf('{"ports":[3000,80]}')).toBe(
      `${FILE}: key "ports.1": expected a port from 1024 to 65535: the proxy listens on the same port on the host, and ports below 1024 are privileged`,
    );
    expect(parseDualJson('{"ports":[1024,65535]}', FILE).ports).toEqual([1024, 65535]);
  });

  it('bounds every string and list a branch controls', () => {
    const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
    expect(errorOf(JSON.stringify({ start: 'x'.repeat(32 * 1024 + 1) }))).toContain('key "start": expected at most 32768 characters');
    expect(parseDualJson(JSON.stringify({ start: 'x'.repeat(32 * 1024) }), FILE).start).toHaveLength(32 * 1024);
    expect(errorOf(JSON.stringify({ setup: 'x'.repeat(40_000) }))).toContain('key "setup": expected at most 32768 characters');
    expect(errorOf(JSON.stringify({ image: 'i'.repeat(513) }))).toContain('key "image": expected an image reference of at most 512 characters');
    expect(errorOf(JSON.stringify({ env: Object.fromEntries(many(1001, (i) => [`K${i}`, 'v'] as const)) }))).toBe(`${FILE}: key "env": expected at most 1000 variables`);
    expect(Object.keys(parseDualJson(JSON.stringify({ env: Object.fromEntries(many(1000, (i) => [`K${i}`, 'v'] as const)) }), FILE).env)).toHaveLength(1000);
    expect(errorOf(JSON.stringify({ env: { ['K'.repeat(257)]: 'v' } }))).toContain('expected variable names of at most 256 characters');
    expect(errorOf(JSON.stringify({ env: { 'A=B': 'v' } }))).toContain('expected variable names without "=" or NUL');
    expect(errorOf(JSON.stringify({ env: { A: 'v'.repeat(32 * 1024 + 1) } }))).toContain('key "env.A": expected values of at most 32768 characters');
    expect(errorOf(JSON.stringify({ env: { A: 'a\u0000b' } }))).toContain('key "env.A": expected values without NUL');
    expect(errorOf(JSON.stringify({ volumes: many(33, (i) => `v${i}`) }))).toContain('key "volumes": expected at most 32 volumes');
    expect(errorOf(JSON.stringify({ volumes: ['v'.repeat(1025)] }))).toContain('key "volumes.0": expected a path of at most 1024 characters');
    const attached = (declaration: object) => JSON.stringify({ attached: { db: { image: 'postgres:16', ...declaration } } });
    expect(errorOf(attached({ command: many(257, () => 'a') }))).toContain('key "attached.db.command"');
    expect(errorOf(attached({ command: 'x'.repeat(40_000) }))).toContain('key "attached.db.command"');
    expect(errorOf(attached({ env: Object.fromEntries(many(1001, (i) => [`K${i}`, ''] as const)) }))).toContain('key "attached.db.env": expected at most 1000 variables');
    expect(errorOf(attached({ volumes: many(33, (i) => `/v${i}`) }))).toContain('key "attached.db.volumes": expected at most 32 volumes');
    const tooMany = Object.fromEntries(many(33, (i) => [`a${i}`, { image: 'x' }] as const));
    expect(errorOf(JSON.stringify({ attached: tooMany }))).toBe(`${FILE}: key "attached": expected at most 32 attached containers`);
  });

  it('refuses a file over 256 KiB before reading it, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dual-json-'));
    writeFileSync(join(dir, '.dual.json'), JSON.stringify({ start: 'x'.repeat(300 * 1024) }));
    expect(() => loadDualJson(dir)).toThrow(`${dir}/.dual.json: 300 KiB, more than the 256 KiB a .dual.json may have; keep long scripts in files of the repo`);
  });

  it('refuses what is not a regular file of the worktree: a FIFO, a device, a link out of the worktree', () => {
    const fifo = mkdtempSync(join(tmpdir(), 'dual-json-'));
    execFileSync('mkfifo', [join(fifo, '.dual.json')]);
    expect(() => loadDualJson(fifo)).toThrow(`${fifo}/.dual.json: not a regular file; commit a JSON file there`);
    const device = mkdtempSync(join(tmpdir(), 'dual-json-'));
    symlinkSync('/dev/zero', join(device, '.dual.json'));
    expect(() => loadDualJson(device)).toThrow(`${device}/.dual.json: is a symbolic link to /dev/zero, outside the worktree; commit the file itself`);
    const inside = mkdtempSync(join(tmpdir(), 'dual-json-'));
    writeFileSync(join(inside, 'dual.json'), '{"ports":[4000]}');
    symlinkSync('dual.json', join(inside, '.dual.json'));
    expect(loadDualJson(inside).ports).toEqual([4000]);
  });
});

describe('.dual.json copy and seed (a branch writes them: paths stay inside the repo, bounded)', () => {
  it('accepts relative paths and a key file list per seeded directory', () => {
    const parsed = parseDualJson('{"copy":[".env","certs/"],"seed":{"node_modules":["package-lock.json"]}}', FILE);
    expect(parsed.copy).toEqual(['.env', 'certs/']);
    expect(parsed.seed).toEqual({ node_modules: ['package-lock.json'] });
  });

  it('refuses .., absolute paths and .git, naming the key', () => {
    expect(errorOf('{"copy":["../secrets/.env"]}')).toBe(`${FILE}: key "copy.0": expected a relative path inside the worktree (no leading / and no ..)`);
    expect(errorOf('{"copy":["/etc/passwd"]}')).toMatch(/key "copy.0": expected a relative path inside the worktree/);
    expect(errorOf('{"copy":[".git/config"]}')).toBe(`${FILE}: key "copy.0": expected a path outside .git`);
    expect(errorOf('{"seed":{"../node_modules":["package-lock.json"]}}')).toMatch(/key "seed.\.\.\/node_modules": expected a relative path/);
    expect(errorOf('{"seed":{"node_modules":["../package-lock.json"]}}')).toMatch(/key "seed.node_modules.0": expected a relative path/);
  });

  it('needs at least one key file, and bounds the lists', () => {
    expect(errorOf('{"seed":{"node_modules":[]}}')).toMatch(/key "seed.node_modules": expected at least one key file/);
    expect(errorOf(JSON.stringify({ copy: Array.from({ length: 65 }, (_, i) => `f${i}`) }))).toMatch(/key "copy": expected at most 64 paths/);
    const seed = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`d${i}/node_modules`, ['package-lock.json']]));
    expect(errorOf(JSON.stringify({ seed }))).toMatch(/key "seed": expected at most 8 seeded directories/);
  });
});

describe('proxy port policy', () => {
  it('opens declared ports from 1024 up and refuses privileged ones', () => {
    expect(portsToOpen([80, 3000, 22, 1024, 1023])).toEqual({ open: [3000, 1024], refused: [80, 22, 1023] });
  });
});
