#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/ by `npm run build`. `dual exec`, the hot path,
// has a single CommonJS bundle of its own, require()d: this file is CommonJS too
// (bin/package.json), so `dual exec` never starts Node's ESM loader (about 20 ms of every
// exec, SPEC.md, Decisions). Every other command is the ESM CLI, import()ed.
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
  import('../dist/cli.js').catch(notBuilt);
}
