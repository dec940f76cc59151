// Import boundaries (docs/development.md): an app imports only its own files and libs (@app/*), never
// another app; a lib never imports an app; contracts imports nothing of ours but itself. Kept in its own
// CommonJS file so libs/testing/src/import-boundaries.spec.ts can lint deliberate violations with it.
const path = require('node:path');
const fs = require('node:fs');

const APPS_DIR = path.join(__dirname, 'apps');
const APP_NAMES = fs.readdirSync(APPS_DIR).filter((d) => fs.statSync(path.join(APPS_DIR, d)).isDirectory());

const NEVER_ANOTHER_APP = 'An app imports only its own files and libs (@app/*), never another app.';

/** relative paths that climb out of apps/<app>/ into a sibling app, e.g. ../../loans/src/x */
const appBoundary = (app) => ({
  files: [`apps/${app}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { regex: `^(\\.\\./)+(${APP_NAMES.filter((a) => a !== app).join('|')})/src(/|$)`, message: NEVER_ANOTHER_APP },
          { regex: '^(\\.\\./)+apps(/|$)', message: NEVER_ANOTHER_APP },
        ],
      },
    ],
  },
});

module.exports = [
  ...APP_NAMES.map(appBoundary),
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+(apps|\\.\\./apps)(/|$)', message: 'A lib never imports an app.' }] }],
    },
  },
  {
    files: ['libs/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(\\.\\./)+(apps|\\.\\./apps)(/|$)', message: 'contracts never imports an app.' },
            { regex: '^@app/(?!contracts(/|$))', message: 'contracts imports only its own dependencies, no other lib of ours.' },
            { regex: '^(\\.\\./)+(common|runtime|testing|sip2-protocol)/src(/|$)', message: 'contracts imports only its own dependencies, no other lib of ours.' },
          ],
        },
      ],
    },
  },
];
