import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dualHome, homeWriteError } from '../../src/adapters/config/home.js';
import { saveSettings, parseSettings } from '../../src/adapters/config/settings.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'dual-home-')));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('DUAL_HOME', () => {
  it('is the real path of a symlinked home, also when the home is not made yet', () => {
    const real = tempDir();
    const link = join(tempDir(), 'link');
    symlinkSync(real, link);
    expect(dualHome({ DUAL_HOME: link })).toBe(real);
    expect(dualHome({ DUAL_HOME: join(link, 'later') })).toBe(join(real, 'later'));
  });

  it('turns a write that fails under it into one line naming the home', () => {
    const error = Object.assign(new Error("EROFS: read-only file system, mkdir '/h/run/locks'"), { code: 'EROFS', path: '/h/run/locks' });
    expect(homeWriteError(error, '/h')?.message).toBe(
      'cannot write to DUAL_HOME /h (EROFS on /h/run/locks): it is not writable; fix that or point DUAL_HOME at another directory',
    );
    expect(homeWriteError({ code: 'ENOSPC', path: '/h/config.json.1.tmp' }, '/h')?.message).toContain('the disk is full');
    expect(homeWriteError({ code: 'EACCES', path: '/elsewhere/x' }, '/h')).toBeUndefined();
    expect(homeWriteError({ code: 'ENOENT', path: '/h/x' }, '/h')).toBeUndefined();
  });

  it('never leaves a temp file next to config.json when saving fails', () => {
    const home = tempDir();
    // config.json is a non-empty directory: the temp file is written, the rename fails.
    mkdirSync(join(home, 'config.json'));
    writeFileSync(join(home, 'config.json', 'x'), '');
    expect(() => saveSettings(join(home, 'config.json'), parseSettings({}, 'config.json'))).toThrow();
    expect(readdirSync(home)).toEqual(['config.json']);
  });
});
