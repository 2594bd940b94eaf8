import { describe, expect, it } from 'vitest';
import { dualJsonSchema } from '../../src/config/dual-json.js';
import { changedKeys, configLabel } from '../../workspaces/config-drift.js';

const made = dualJsonSchema.parse({ ports: [3000], start: 'npm run dev' });

describe('.dual.json drift', () => {
  it('finds no change when the config is the same, or when the container predates the label', () => {
    expect(changedKeys({ 'dual.config': configLabel(made) }, made)).toEqual([]);
    expect(changedKeys({}, dualJsonSchema.parse({ ports: [4000] }))).toEqual([]);
  });

  it('names each container-shaping key that changed', () => {
    const now = dualJsonSchema.parse({ ports: [3000, 5173], start: 'npm start', setup: 'npm ci' });
    expect(changedKeys({ 'dual.config': configLabel(made) }, now)).toEqual(['ports', 'start']);
  });
});
