#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/ by `npm run build`. `dual exec`, the hot
// path, has a single-module bundle of its own.
const entry = process.argv[2] === 'exec' ? '../dist/exec.js' : '../dist/cli.js';
import(entry).catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('/dist/')) {
    process.stderr.write('dual: not built yet; run `npm run build` in the dual checkout\n');
    process.exit(1);
  }
  throw error;
});
