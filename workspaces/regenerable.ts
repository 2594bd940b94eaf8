/**
 * Ignored files `dual destroy` may delete without --force: what a build or an install makes
 * again. Anything else ignored (`.env`, notes, local config) may be the user's only copy.
 * The user extends the list in config.json (`destroy.regenerable`); a branch cannot (its
 * `.dual.json` could otherwise declare `*` and have the user's files deleted).
 */
export const DEFAULT_REGENERABLE: readonly string[] = [
  'node_modules', 'dist', 'build', 'out', '.next', '.nuxt', '.output', '.svelte-kit', '.turbo', '.cache',
  '.parcel-cache', '.vite', '.angular', '.expo', 'coverage', '.nyc_output', 'storybook-static', 'target',
  '__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '.venv', 'venv', '.gradle',
  '*.pyc', '*.tsbuildinfo', '.eslintcache', '.DS_Store',
];

/** A path (`dir/` for a whole ignored directory) is regenerable when one of its parts matches: a name, or `*<suffix>`. */
export function isRegenerable(path: string, patterns: readonly string[]): boolean {
  const parts = path.split('/').filter((p) => p.length > 0);
  return parts.some((part) => patterns.some((p) => (p.startsWith('*') ? part.endsWith(p.slice(1)) : part === p)));
}
