// Jest 30 reads `testTimeout` only from the top-level config, not from a project, so the integration
// tier sets its own here: booting services on a busy 2-core machine takes longer than the 5 s default.
jest.setTimeout(60_000);
