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
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: 'linked',
  define: { __DUAL_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
};
// Both bundles are CommonJS, require()d by bin/dual.js (CommonJS too, bin/package.json), so no
// command starts Node's ESM loader: with code splitting the ESM CLI loaded ~20 chunk files
// through it, and `dual list` took ~38 ms more (SPEC.md, Decisions, "Start-up"). The
// command modules stay lazy without splitting: esbuild turns each `await import()` of a
// bundled module into a deferred initialisation in the same file. import.meta.url (two uses:
// the path of bin/dual.js, a createRequire) becomes the bundle's own file URL.
const cjs = {
  ...common,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  define: { ...common.define, 'import.meta.url': '__dualBundleUrl' },
  banner: { js: "const __dualBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
};
await build({ ...cjs, entryPoints: { cli: 'src/cli/cli.ts' } });
// `dual exec` as one self-contained file of its own (see src/cli/exec-main.ts): the hot path
// loads nothing of the rest of the CLI.
await build({ ...cjs, entryPoints: { exec: 'src/cli/exec-main.ts' } });
try {
  renameSync(dist, stale);
} catch {
  // no previous build
}
renameSync(fresh, dist);
rmSync(stale, { recursive: true, force: true });
