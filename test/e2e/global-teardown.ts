import * as fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__circulationE2E__ as
    | { suite: { stop(): Promise<void> }; dataDir: string; logFile: fs.WriteStream; noticeSink?: { close(): Promise<void> } }
    | undefined;
  if (!state) return;
  await state.suite.stop();
  await state.noticeSink?.close();
  state.logFile.end();
  // keep the services' log when asked (E2E_KEEP=1) to debug a failure
  if (!process.env.E2E_KEEP) fs.rmSync(state.dataDir, { recursive: true, force: true });
}
