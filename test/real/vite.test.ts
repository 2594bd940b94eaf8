import { realAppSuite } from './real-app-suite.js';
import { VITE_APP } from './real-app.js';

// A `npm create vite` react-ts app (Vite 8, React 19), trimmed to its running parts.
realAppSuite(VITE_APP);
