// See timeout-integration.ts: the deploy tier starts every compose service as a process, and the restore drill a
// suite; on a busy 2-core machine either can take minutes.
jest.setTimeout(600_000);
