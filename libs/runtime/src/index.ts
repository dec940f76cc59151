// Local infrastructure for dev/test: embedded PostgreSQL + NATS (or testcontainers). No Nest dependency.
// Type-only re-exports are separate so per-file transpilers (ts-jest isolatedModules) stay correct.
export { APT_INSTALL_COMMAND, ensureBinaries, findNatsServer, findPostgresBinDir } from './binaries';
export type { Binaries } from './binaries';
export { isContainerRuntimeAvailable, startInfraWithContainers } from './container-infra';
export type { ContainerInfraOptions } from './container-infra';
export { startEmbeddedNats } from './embedded-nats';
export type { EmbeddedNats, EmbeddedNatsOptions } from './embedded-nats';
export { startEmbeddedPostgres } from './embedded-postgres';
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded-postgres';
export { findFreePort, findFreePorts } from './free-port';
export { infraStatus, startInfra } from './infra';
export { superviseServer } from './supervised-server';
export type {
  ServerState,
  ServerStatus,
  SupervisedServer,
  SuperviseOptions,
  WatchableServer,
} from './supervised-server';
export type { Infra, InfraMode, StartInfraOptions } from './infra';
export { registerChildCleanup, stopAllRegistered } from './process-cleanup';
export type { CleanupEntry } from './process-cleanup';
export type { Logger } from './process-utils';
export { startTestInfra } from './test-infra';
export type { TestInfra, TestInfraOptions } from './test-infra';
