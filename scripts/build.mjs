// Bundles the CLI and the proxy into dist/ with esbuild. Why a bundle and not tsc output:
// `dual exec` is run thousands of times a day by agents, and resolving dozens of small
// modules at start-up costs milliseconds each time.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';

const { version, dependencies } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// zod is bundled: loaded as a package it costs ~70 ms (about a hundred small ESM files) on
// every command that reads a config, bundled ~40 ms less; and only its mini build is used
// (src/adapters/config/zod.ts), ~80 ms less again on `dual list`. So are the CommonJS packages every
// workspace command loads (commander, simple-git with debug, proper-lockfile with
// graceful-fs): `dual create` up to its first git answer took 631 ms instead of 721 ms
// (medians of 11 alternating runs, load 6-7). The others stay external: some load native
// addons or start workers by file path (pino), and each is loaded only by the commands that
// need it.
const BUNDLED = new Set(['zod', 'commander', 'simple-git', 'proper-lockfile']);
const external = Object.keys(dependencies).filter((name) => !BUNDLED.has(name));
// Build beside dist/ and swap it in, so a CLI process running meanwhile (a test, another
// build) never finds dist/ half-written or missing for long.
const dist = new URL('../dist', import.meta.url).pathname;
const fresh = `${dist}.build-${process.pid}`;
const stale = `${dist}.old-${process.pid}`;
const common = {
  outdir: fresh,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: 'linked',
  define: { __DUAL_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
};
// Bundled CommonJS code calls require() (for node:tty, node:fs...), which an ES module lacks.
const esmRequire = "import { createRequire as __dualCreateRequire } from 'node:module'; const require = __dualCreateRequire(import.meta.url);";
await build({ ...common, entryPoints: { cli: 'src/cli/cli.ts' }, splitting: true, banner: { js: esmRequire } });
// `dual exec` as one self-contained CommonJS file (see src/cli/exec-main.ts): bin/dual.js
// require()s it, so the hot path never starts Node's ESM loader.
await build({ ...common, entryPoints: { exec: 'src/cli/exec-main.ts' }, format: 'cjs', outExtension: { '.js': '.cjs' } });
try {
  renameSync(dist, stale);
} catch {
  // no previous build
}
renameSync(fresh, dist);
rmSync(stale, { recursive: true, force: true });
