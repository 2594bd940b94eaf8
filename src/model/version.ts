/** Replaced at build time by scripts/build.mjs; the fallback keeps tests that import sources working. */
declare const __DUAL_VERSION__: string | undefined;
export const VERSION: string = typeof __DUAL_VERSION__ === 'string' ? __DUAL_VERSION__ : '0.0.0-dev';
