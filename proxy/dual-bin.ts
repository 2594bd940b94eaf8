import { fileURLToPath } from 'node:url';

/** bin/dual.js: from the bundle (dist/*.js) and from source (proxy/*.ts) it is one level up. */
export const DUAL_BIN = fileURLToPath(new URL('../bin/dual.js', import.meta.url));
