/**
 * zod for dual's config schemas: the `zod/mini` build (functions instead of methods, so the
 * bundle keeps only what the schemas use) with zod's English messages. The full `zod` import
 * is a 758 KB chunk that every workspace command loaded (SPEC.md, Decisions: "Config schemas
 * on zod/mini"). Import zod only from here: `import * as z from './zod.js'`.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
