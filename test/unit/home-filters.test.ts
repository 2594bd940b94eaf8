import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { homeFilters } from '../../src/model/labels.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Comments may mention labels freely; only code is checked (line comments after code are rare enough here). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/**
 * Every engine query dual makes filters by its DUAL_HOME, through one helper: one installation
 * never sees or removes another's containers, volumes or networks (a prune in one home once
 * removed another home's attached container because it keyed on the repo name).
 */
describe('homeFilters', () => {
  it('always puts the home first, then the given filters', () => {
    expect(homeFilters('/h')).toEqual(['dual.home=/h']);
    expect(homeFilters('/h', 'dual.workspace', 'dual.attached=db')).toEqual(['dual.home=/h', 'dual.workspace', 'dual.attached=db']);
  });

  it('is used by every container, volume and network query outside the Docker adapters', () => {
    const bypasses: string[] = [];
    for (const file of ['src', 'workspaces', 'proxy'].flatMap(sources)) {
      if (file.startsWith(join('src', 'adapters', 'docker'))) continue; // the adapters themselves: they take the filters
      const text = withoutComments(readFileSync(join(ROOT, file), 'utf8'));
      // Engine-interface calls: their argument must be built by homeFilters.
      for (const match of text.matchAll(/\b(listContainers|listVolumes|listNetworks)\(([^)]*)/g)) {
        const argument = match[2]!.trim();
        if (argument.startsWith('homeFilters(') || argument.startsWith('{ all: true, filters: { label: this.labels')) continue;
        bypasses.push(`${file}: ${match[0]}`);
      }
      // Raw Engine API filters written outside the adapters.
      for (const match of text.matchAll(/label: (?!homeFilters\()([^,}\]]+)/g)) {
        if (match[1]!.startsWith('this.labels') && text.includes('homeFilters(home')) continue;
        bypasses.push(`${file}: ${match[0]}`);
      }
    }
    expect(bypasses).toEqual([]);
  });
});
