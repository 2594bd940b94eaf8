// Bundles the CLI and the proxy into dist/ with esbuild. Why a bundle and not tsc output:
// `dual exec` is run thousands of times a day by agents, and resolving dozens of small
// modules at start-up costs milliseconds each time. Dependencies stay external (some load
// native addons) and are imported lazily by the commands that need them.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  define: { __DUAL_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});
