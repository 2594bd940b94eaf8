import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUnchangedCopy, type CopyRecord } from '../../workspaces/copy-files.js';
import { linkable } from '../../workspaces/seed/seed.js';
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

  it('refuses a path reached through a symlinked parent leading out of the source, saying so and leaving no empty directory', async () => {
    const { from, to } = pair();
    const outside = join(root, `outside-${n}`);
    mkdirSync(outside);
    writeFileSync(join(outside, '.env'), 'STOLEN=1');
    symlinkSync(outside, join(from, 'config'));
    const result = await copyTree(from, to, 'config/.env', { linkRoot: to, hash: true, ...big });
    expect(result.skipped).toEqual(['config/.env (reached through a symlink leading outside)']);
    expect(result.files).toEqual([]);
    expect(existsSync(join(to, 'config'))).toBe(false);
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

describe('copyTree with hard links (seed.hardLinks)', () => {
  it('links the files the caller names, copies the rest, and deleting one side leaves the other', async () => {
    const { from, to } = pair();
    mkdirSync(join(from, 'node_modules', 'react'), { recursive: true });
    writeFileSync(join(from, 'node_modules', 'react', 'index.js'), 'react');
    writeFileSync(join(from, 'node_modules', '.package-lock.json'), '{}');
    symlinkSync('react/index.js', join(from, 'node_modules', 'main'));
    const result = await copyTree(from, to, 'node_modules', { linkRoot: to, hash: false, ...big, link: (p) => linkable('node_modules', p) });
    expect(result.skipped).toEqual([]);
    const ino = (side: string, ...p: string[]) => statSync(join(side, 'node_modules', ...p)).ino;
    expect(ino(to, 'react', 'index.js')).toBe(ino(from, 'react', 'index.js'));
    // npm rewrites its hidden lockfile in place: a copy, so the source's is never touched.
    expect(ino(to, '.package-lock.json')).not.toBe(ino(from, '.package-lock.json'));
    writeFileSync(join(to, 'node_modules', '.package-lock.json'), '{"changed":true}');
    expect(readFileSync(join(from, 'node_modules', '.package-lock.json'), 'utf8')).toBe('{}');
    expect(readlinkSync(join(to, 'node_modules', 'main'))).toBe('react/index.js');
    // What `npm ci` does to the new branch (removes node_modules) leaves the source whole.
    rmSync(join(to, 'node_modules'), { recursive: true });
    expect(readFileSync(join(from, 'node_modules', 'react', 'index.js'), 'utf8')).toBe('react');
  });

  it('links only below the seeded directory, never its top-level dot entries', () => {
    expect(linkable('node_modules', 'node_modules/vite/bin/vite.js')).toBe(true);
    expect(linkable('node_modules', 'node_modules/@babel/core/.npmignore')).toBe(true);
    expect(linkable('node_modules', 'node_modules/.package-lock.json')).toBe(false);
    expect(linkable('node_modules', 'node_modules/.vite/deps/react.js')).toBe(false);
    expect(linkable('node_modules', 'node_modules/.cache/babel/x.json')).toBe(false);
    expect(linkable('web/node_modules', 'web/node_modules/react/index.js')).toBe(true);
    expect(linkable('node_modules', 'node_modules')).toBe(false);
  });
});

describe("copyTree keeps what npm's hidden-lockfile check reads", () => {
  /**
   * npm (arborist's shrinkwrap.js, assertNoNewer) reuses node_modules/.package-lock.json
   * instead of reading every package.json only when no folder under node_modules (the
   * directory itself, scopes, packages; dot entries skipped) has an mtime later than the
   * lockfile's + 10 ms. A copy must keep those times, set after the directories' content.
   */
  const npmFolders = (root: string): string[] => {
    const found: string[] = [];
    const visit = (dir: string) => {
      found.push(dir);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && !entry.name.startsWith('.')) visit(join(dir, entry.name));
      }
    };
    visit(join(root, 'node_modules'));
    return found;
  };

  it.each([['copied', undefined], ['hard-linked', (p: string) => linkable('node_modules', p)]])('%s: every folder keeps its time, so npm trusts the copy as it does the source', async (_mode, link) => {
    const { from, to } = pair();
    const installed = new Date(1_700_000_000_000);
    const written = new Date(1_700_000_000_500);
    for (const pkg of ['react', '@vitejs/plugin-react', 'vite/node_modules/esbuild']) {
      mkdirSync(join(from, 'node_modules', pkg), { recursive: true });
      writeFileSync(join(from, 'node_modules', pkg, 'package.json'), '{}');
    }
    const lockfile = join(from, 'node_modules', '.package-lock.json');
    writeFileSync(lockfile, '{}');
    for (const dir of npmFolders(from)) utimesSync(dir, installed, installed);
    utimesSync(lockfile, written, written);

    await copyTree(from, to, 'node_modules', { linkRoot: to, hash: false, ...big, ...(link ? { link } : {}) });
    const lockTime = statSync(join(to, 'node_modules', '.package-lock.json')).mtimeMs;
    expect(lockTime).toBe(written.getTime());
    const copied = npmFolders(to);
    expect(copied).toHaveLength(npmFolders(from).length);
    for (const dir of copied) expect({ dir, mtime: statSync(dir).mtimeMs }).toEqual({ dir, mtime: installed.getTime() });
    expect(copied.filter((dir) => statSync(dir).mtimeMs > lockTime + 10)).toEqual([]);
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
