// ESLint for the browser code (src/AssessmentEngine.Web/wwwroot/js) and its tests here; ./ae test runs it. Run it from
// the repository's root with this file named, as `npm --prefix tests/js run lint` does: ESLint looks for a config
// beside the files it lints, there is none there, and the patterns below are from the root.
import js from '@eslint/js';
import globals from 'globals';
import { defineConfig, globalIgnores } from 'eslint/config';

export default defineConfig([
  globalIgnores(['src/AssessmentEngine.Web/wwwroot/lib/', '**/node_modules/']),
  {
    files: ['src/AssessmentEngine.Web/wwwroot/js/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: {
      sourceType: 'module',
      globals: globals.browser,
    },
  },
  {
    // The live connection is a classic script beside SignalR's own (which defines signalR).
    files: ['src/AssessmentEngine.Web/wwwroot/js/live.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { signalR: 'readonly' },
    },
  },
  {
    files: ['tests/js/**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
]);
