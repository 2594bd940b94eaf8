#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/ by `npm run build`, as two CommonJS files:
// `dual exec`, the hot path, has a bundle of its own (dist/exec.cjs), every other command is
// dist/cli.cjs. This file is CommonJS too (bin/package.json), so no command starts Node's ESM
// loader (about 20 ms of every exec, SPEC.md, Decisions).
'use strict';

function notBuilt(error) {
  const missing = error?.code === 'MODULE_NOT_FOUND' || error?.code === 'ERR_MODULE_NOT_FOUND';
  if (!missing || !String(error.message).includes('/dist/')) throw error;
  process.stderr.write('dual: not built yet; run `npm run build` in the dual checkout\n');
  process.exit(1);
}

if (process.argv[2] === 'exec') {
  try {
    require('../dist/exec.cjs');
  } catch (error) {
    notBuilt(error);
  }
} else {
  try {
    require('../dist/cli.cjs');
  } catch (error) {
    notBuilt(error);
  }
}
