import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUnchangedCopy, type CopyRecord } from '../../workspaces/copy-files.js';
import { copyTree } from '../../workspaces/tree-copy.js';

const root = mkdtempSync(join(tmpdir(), 'tree-copy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function pair(): { from: string; to: string } {
  n += 1;
  const from = join(root, `from-${n}`);
  const to = join(root, `to-${n}`);
  mkdirSync(from);
  mkdirSync(to);
  return { from, to };
}
const big = { maxFiles: 1000, maxBytes: 1 << 20 };

describe('copyTree: copies are data, nothing followed out of the source', () => {
  it('copies files and directories with their mode and times, and links that stay inside', async () => {
    const { from, to } = pair();
    mkdirSync(join(from, 'node_modules', 'vite', 'bin'), { recursive: true });
    writeFileSync(join(from, 'node_modules', 'vite', 'bin', 'vite.js'), 'run');
    execFileSync('chmod', ['755', join(from, 'node_modules', 'vite', 'bin', 'vite.js')]);
    mkdirSync(join(from, 'node_modules', '.bin'));
    symlinkSync('../vite/bin/vite.js', join(from, 'node_modules', '.bin', 'vite'));
    utimesSync(join(from, 'node_modules', 'vite'), new Date(1_000_000_000_000), new Date(1_000_000_000_000));

    const result = await copyTree(from, to, 'node_modules', { linkRoot: to, hash: true, ...big });
    expect(result.skipped).toEqual([]);
    expect(readFileSync(join(to, 'node_modules', '.bin', 'vite'), 'utf8')).toBe('run');
    expect(readlinkSync(join(to, 'node_modules', '.bin', 'vite'))).toBe('../vite/bin/vite.js');
    expect(statSync(join(to, 'node_modules', 'vite', 'bin', 'vite.js')).mode & 0o777).toBe(0o755);
    expect(statSync(join(to, 'node_modules', 'vite')).mtimeMs).toBe(1_000_000_000_000);
    // A real copy: writing one side never changes the other (no hard links).
    expect(statSync(join(to, 'node_modules', 'vite', 'bin', 'vite.js')).ino).not.toBe(statSync(join(from, 'node_modules', 'vite', 'bin', 'vite.js')).ino);
  });

  it('skips links leading outside, FIFOs, and never writes through a symlink in the destination', async () => {
    const { from, to } = pair();
    mkdirSync(join(from, 'certs'));
    symlinkSync('/etc/passwd', join(from, 'certs', 'abs'));
    symlinkSync('../../../outside', join(from, 'certs', 'up'));
    execFileSync('mkfifo', [join(from, 'certs', 'fifo')]);
    const result = await copyTree(from, to, 'certs', { linkRoot: to, hash: true, ...big });
    expect(result.skipped.sort()).toEqual(['certs/abs (a symlink leading outside)', 'certs/fifo (not a file or directory)', 'certs/up (a symlink leading outside)']);
    expect(result.files).toEqual([]);

    const elsewhere = join(root, `elsewhere-${n}`);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(to, 'node_modules'));
    mkdirSync(join(from, 'node_modules'));
    writeFileSync(join(from, 'node_modules', 'x.js'), 'x');
    const blocked = await copyTree(from, to, 'node_modules', { linkRoot: to, hash: false, ...big });
    expect(blocked.skipped).toEqual(['node_modules (the worktree has a symlink there)']);
    expect(existsSync(join(elsewhere, 'x.js'))).toBe(false);
  });

  it('never overwrites, and stops at the limits', async () => {
    const { from, to } = pair();
    mkdirSync(join(from, 'd'));
    for (let i = 0; i < 5; i++) writeFileSync(join(from, 'd', `f${i}`), 'x'.repeat(10));
    mkdirSync(join(to, 'd'));
    writeFileSync(join(to, 'd', 'f0'), 'mine');
    const kept = await copyTree(from, to, 'd', { linkRoot: to, hash: false, maxFiles: 10, maxBytes: 1000 });
    expect(kept.skipped).toEqual(['d/f0 (exists)']);
    expect(readFileSync(join(to, 'd', 'f0'), 'utf8')).toBe('mine');
    rmSync(join(to, 'd'), { recursive: true });
    const limited = await copyTree(from, to, 'd', { linkRoot: to, hash: false, maxFiles: 3, maxBytes: 1000 });
    expect(limited.files).toHaveLength(3);
    expect(limited.skipped).toHaveLength(2);
  });
});

describe('isUnchangedCopy: what destroy may delete', () => {
  it('is true only when every file under the path is a recorded, unchanged copy', async () => {
    const { from, to } = pair();
    writeFileSync(join(from, '.env'), 'KEY=1');
    mkdirSync(join(from, 'certs'));
    writeFileSync(join(from, 'certs', 'a.pem'), 'a');
    symlinkSync('a.pem', join(from, 'certs', 'current.pem'));
    const record: CopyRecord = {};
    for (const path of ['.env', 'certs']) for (const f of (await copyTree(from, to, path, { linkRoot: to, hash: true, ...big })).files) record[f.path] = f.sha256!;
    expect(lstatSync(join(to, 'certs', 'current.pem')).isSymbolicLink()).toBe(true);
    expect(await isUnchangedCopy(to, '.env', record)).toBe(true);
    expect(await isUnchangedCopy(to, 'certs/', record)).toBe(true);

    writeFileSync(join(to, '.env'), 'KEY=2');
    expect(await isUnchangedCopy(to, '.env', record)).toBe(false);
    writeFileSync(join(to, 'certs', 'new.pem'), 'added by the user');
    expect(await isUnchangedCopy(to, 'certs/', record)).toBe(false);
    expect(await isUnchangedCopy(to, 'notes.md', {})).toBe(false);
  });
});
