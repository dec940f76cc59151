import * as fs from 'node:fs';
import * as path from 'node:path';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__circulationE2E__ as
    | {
        suite: { stop(): Promise<void> };
        dataDir: string;
        logFile: fs.WriteStream;
        noticeSink?: { close(): Promise<void> };
      }
    | undefined;
  if (!state) return;
  await state.suite.stop();
  await state.noticeSink?.close();
  await new Promise<void>((resolve) => state.logFile.end(() => resolve()));
  // npm test scans the services' log for secrets afterwards (test/security): keep a copy, with the key
  // this run used, where it asks
  const keep = process.env.E2E_LOG_DIR;
  if (keep) {
    fs.mkdirSync(keep, { recursive: true });
    fs.copyFileSync(path.join(state.dataDir, 'services.log'), path.join(keep, 'e2e-services.log'));
    const { apiKey } = JSON.parse(fs.readFileSync(path.join(state.dataDir, 'e2e-env.json'), 'utf8')) as {
      apiKey: string;
    };
    fs.writeFileSync(path.join(keep, 'known-secrets.json'), JSON.stringify([apiKey]));
  }
  // keep the services' log when asked (E2E_KEEP=1) to debug a failure
  if (!process.env.E2E_KEEP) fs.rmSync(state.dataDir, { recursive: true, force: true });
}
