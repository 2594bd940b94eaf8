#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/ by `npm run build`.
import('../dist/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('dual: not built yet; run `npm run build` in the dual checkout\n');
    process.exit(1);
  }
  throw error;
});
