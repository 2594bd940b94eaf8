import { describe, expect, it } from 'vitest';
import { defaultVolumes } from '../../workspaces/volume-default.js';

const linuxEngine = { os: 'linux', arch: 'amd64', dockerDesktop: false };

describe('where node_modules lives when .dual.json does not say', () => {
  it('stays in the worktree where host and container share OS and architecture (the editor sees it)', () => {
    expect(defaultVolumes({ platform: 'linux', arch: 'x64' }, linuxEngine)).toEqual([]);
    expect(defaultVolumes({ platform: 'linux', arch: 'arm64' }, { ...linuxEngine, arch: 'aarch64' })).toEqual([]);
  });

  it('goes in a volume on Docker Desktop, on another OS, or another architecture', () => {
    expect(defaultVolumes({ platform: 'linux', arch: 'x64' }, { ...linuxEngine, dockerDesktop: true })).toEqual(['node_modules']);
    expect(defaultVolumes({ platform: 'darwin', arch: 'arm64' }, { ...linuxEngine, arch: 'arm64', dockerDesktop: true })).toEqual(['node_modules']);
    expect(defaultVolumes({ platform: 'win32', arch: 'x64' }, linuxEngine)).toEqual(['node_modules']);
    expect(defaultVolumes({ platform: 'linux', arch: 'arm64' }, linuxEngine)).toEqual(['node_modules']);
  });
});
