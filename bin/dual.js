#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/ by `npm run build`, as two CommonJS files:
// `dual exec`, the hot path, has a bundle of its own (dist/exec.cjs), every other command is
// dist/cli.cjs. This file is CommonJS too (bin/package.json), so no command starts Node's ESM
// loader (about 20 ms of every exec, SPEC.md, Decisions).
'use strict';

// Only the bundle itself missing means "not built": a dependency missing from inside it
// (node_modules not installed) is reported as the error it is.
const bundle = process.argv[2] === 'exec' ? '../dist/exec.cjs' : '../dist/cli.cjs';
try {
  require(bundle);
} catch (error) {
  const firstLine = String(error?.message).split('\n')[0];
  if (error?.code !== 'MODULE_NOT_FOUND' || !firstLine.includes(bundle)) throw error;
  process.stderr.write('dual: not built yet; run `npm run build` in the dual checkout\n');
  process.exit(1);
}
