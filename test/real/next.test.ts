import { realAppSuite } from './real-app-suite.js';
import { NEXT_APP } from './real-app.js';

// A minimal Next.js 16 App Router app (Turbopack dev server, React 19).
realAppSuite(NEXT_APP);
