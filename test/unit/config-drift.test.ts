import { describe, expect, it } from 'vitest';
import { dualJsonSchema, type WorkspaceConfig } from '../../src/adapters/config/dual-json.js';

/** A .dual.json as a container is made from it: volumes decided (node_modules when absent, as on Docker Desktop). */
function parsed(raw: unknown): WorkspaceConfig {
  const config = dualJsonSchema.parse(raw);
  return { ...config, volumes: config.volumes ?? ['node_modules'] };
}
import { changedKeys, configLabel, decideRecreate, OLDER_DUAL, recreateMessage } from '../../workspaces/config-drift.js';

const made = parsed({ ports: [3000], start: 'npm run dev' });
const labelsOf = (config = made) => ({ 'dual.config': configLabel(config), 'dual.entry': '1' });

describe('.dual.json drift', () => {
  it('finds no change when the config is the same, or when the container predates the label', () => {
    expect(changedKeys(labelsOf(), made)).toEqual([]);
    expect(changedKeys({}, parsed({ ports: [4000] }))).toEqual([]);
  });

  it('names each container-shaping key that changed, setup, image and attached included', () => {
    const now = parsed({ ports: [3000, 5173], start: 'npm start', setup: 'npm ci' });
    expect(changedKeys(labelsOf(), now)).toEqual(['ports', 'start', 'setup']);
    const other = parsed({ ...made, image: 'node:20', attached: { db: { image: 'postgres:16' } } });
    expect(changedKeys(labelsOf(), other)).toEqual(['image', 'attached']);
  });

  it('treats a label written before a key was recorded as that key being unset', () => {
    const oldLabel = JSON.stringify({ ports: [3000], start: 'npm run dev', env: {}, volumes: ['node_modules'], hostHeader: 'preserve' });
    const config = parsed({ ports: [3000], start: 'npm run dev', image: 'node:22' });
    expect(changedKeys({ 'dual.config': oldLabel }, config)).toContain('image');
    expect(changedKeys({ 'dual.config': oldLabel }, config)).not.toContain('setup');
  });
});

describe('recreate or not', () => {
  it('keeps a container whose settings did not change', () => {
    expect(decideRecreate(labelsOf(), made)).toEqual({ recreate: false, reasons: [] });
  });

  it('recreates when a shaping key changed, naming the keys', () => {
    const now = parsed({ ports: [3000], start: 'npm run dev', env: { A: '1' } });
    expect(decideRecreate(labelsOf(), now)).toEqual({ recreate: true, reasons: ['env'] });
  });

  it('recreates a container made before the entry script (its start would run before setup)', () => {
    expect(decideRecreate({ 'dual.config': configLabel(made) }, made)).toEqual({ recreate: true, reasons: [OLDER_DUAL] });
  });

  it('recreates on request (dual recreate) even when nothing changed', () => {
    expect(decideRecreate(labelsOf(), made, true)).toEqual({ recreate: true, reasons: ['requested'] });
  });

  it('says what changed and what is kept', () => {
    expect(recreateMessage('shop-x', ['start', 'env'])).toBe(
      'dual: .dual.json changed (start, env): recreating the container of shop-x (worktree, volumes and attached containers are kept)',
    );
    expect(recreateMessage('shop-x', ['requested'])).toBe('dual: recreating the container of shop-x (worktree, volumes and attached containers are kept)');
  });
});
