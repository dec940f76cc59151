// Running the whole suite on one machine: embedded PostgreSQL + NATS (libs/runtime), every service as its
// own supervised process, the demo seed. Used by `npm start` (apps/launcher), the bench, the fault suite
// and the e2e tests, so none of them imports another app.
export * from './config/launcher-env.dto';
export * from './demo-data';
export * from './demo-seed-steps';
export * from './demo-seeder';
export * from './service-supervisor';
export * from './suite-launcher';
