import { describe, expect, it } from 'vitest';
import { MAX_LABEL_LENGTH, attachedContainerName, containerName, slugify, validateRepoName, volumeName, workspaceId } from '../../src/model/naming.js';

describe('workspace naming', () => {
  it('lowercases and turns every run of other characters into one dash', () => {
    expect(workspaceId('shop', 'feat/Checkout-v2')).toBe('shop-feat-checkout-v2');
    expect(workspaceId('shop', 'Fix__Bug  #12')).toBe('shop-fix-bug-12');
  });

  it('never starts or ends with a dash', () => {
    expect(slugify('--feat/x--')).toBe('feat-x');
    expect(workspaceId('shop', '_wip_')).toBe('shop-wip');
  });

  it('maps the documented colliding pairs to the same id (the manager refuses the second)', () => {
    expect(workspaceId('a-b', 'c')).toBe(workspaceId('a', 'b-c'));
    expect(workspaceId('shop', 'feat/x')).toBe(workspaceId('shop', 'feat-x'));
  });

  it('cuts long ids to a DNS label with a stable hash suffix', () => {
    const long = workspaceId('shop', `feature/${'very-long-branch-name-'.repeat(5)}end`);
    expect(long.length).toBeLessThanOrEqual(MAX_LABEL_LENGTH);
    expect(long).toMatch(/^shop-feature-very-long-branch-name-.*-[0-9a-f]{6}$/);
    expect(workspaceId('shop', `feature/${'very-long-branch-name-'.repeat(5)}end`)).toBe(long);
    const other = workspaceId('shop', `feature/${'very-long-branch-name-'.repeat(5)}END2`);
    expect(other).not.toBe(long);
  });

  it('keeps ids of exactly 63 characters untouched', () => {
    const branch = 'b'.repeat(MAX_LABEL_LENGTH - 'shop-'.length);
    expect(workspaceId('shop', branch)).toBe(`shop-${branch}`);
  });

  it('derives container and volume names from the id', () => {
    expect(containerName('shop-main')).toBe('dual-shop-main');
    expect(attachedContainerName('shop-main', 'db')).toBe('dual-shop-main--db');
    expect(volumeName('shop-main', 'node_modules')).toBe('dual-shop-main-v-node-modules');
  });

  it('accepts slug repo names and suggests one otherwise', () => {
    expect(validateRepoName('my-shop')).toBeUndefined();
    expect(validateRepoName('My Shop')).toContain("try 'my-shop'");
    expect(validateRepoName('a--b')).toBeDefined();
  });
});
