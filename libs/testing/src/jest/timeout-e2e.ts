// See timeout-integration.ts: the e2e tier starts the whole suite as processes.
jest.setTimeout(120_000);
