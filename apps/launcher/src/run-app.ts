/**
 * Container entry point: one image for every service, the app chosen by argument
 * (`docker run circulation catalog`). Keeps the Dockerfile free of per-service variants.
 */
import * as path from 'node:path';

const APPS = ['gateway', 'patrons', 'catalog', 'loans', 'delivery', 'federation', 'sip2', 'launcher'];
const app = process.argv[2];
if (!app || !APPS.includes(app)) {
  process.stderr.write(`usage: run-app <${APPS.join('|')}>\n`);
  process.exit(64);
}
// the service is chosen at run time, so its compiled entry point is loaded by path
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(path.resolve(__dirname, '../..', app, 'src/main.js'));
