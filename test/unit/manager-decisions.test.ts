import { describe, expect, it } from 'vitest';
import { LABEL } from '../../src/model/labels.js';
import { findOrphans } from '../../workspaces/prune-plan.js';
import { revival } from '../../workspaces/attached/revive.js';

const workspace = (id: string, ws: string) => ({ id, labels: { [LABEL.workspace]: ws } });
const attached = (id: string, ws: string, name = 'db') => ({ id, labels: { [LABEL.workspace]: ws, [LABEL.attached]: name } });
const volume = (name: string, ws: string) => ({ name, labels: { [LABEL.workspace]: ws } });

describe("prune's orphan rules", () => {
  it('finds attached containers whose workspace container is gone, never those of a live workspace', () => {
    const { attached: orphans } = findOrphans([workspace('w1', 'a-main'), attached('a1', 'a-main'), attached('a2', 'a-gone')], []);
    expect(orphans.map((c) => c.id)).toEqual(['a2']);
  });

  it('finds volumes of workspaces with no container left, counting orphaned attached containers as gone', () => {
    const containers = [workspace('w1', 'a-main'), attached('a2', 'a-gone')];
    const volumes = [volume('v-main', 'a-main'), volume('v-gone', 'a-gone'), volume('v-never', 'a-never')];
    expect(findOrphans(containers, volumes).volumes.map((v) => v.name)).toEqual(['v-gone', 'v-never']);
  });

  it('keeps the markers of every container that stays', () => {
    const { liveContainerIds } = findOrphans([workspace('w1', 'a-main'), attached('a1', 'a-main'), attached('a2', 'a-gone')], []);
    expect([...liveContainerIds].sort()).toEqual(['a1', 'w1']);
  });
});

describe('attached-container revival after the workspace container (re)starts', () => {
  const wsStarted = Date.parse('2026-01-01T10:00:00Z');
  it('starts a stopped one', () => {
    expect(revival({ running: false, startedAt: '2026-01-01T11:00:00Z' }, wsStarted)).toBe('start');
  });
  it('restarts a running one that joined the previous namespace', () => {
    expect(revival({ running: true, startedAt: '2026-01-01T09:59:59Z' }, wsStarted)).toBe('restart');
  });
  it('leaves one that started after the workspace container, and one that is gone', () => {
    expect(revival({ running: true, startedAt: '2026-01-01T10:00:01Z' }, wsStarted)).toBe('none');
    expect(revival(undefined, wsStarted)).toBe('none');
  });
});
