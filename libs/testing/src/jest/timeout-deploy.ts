// See timeout-integration.ts: the deploy tier starts every compose service as a process, and the restore drill a suite.
jest.setTimeout(300_000);
