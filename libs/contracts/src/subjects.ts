/**
 * Suite-wide messaging constants. Every NATS subject is declared once, with its message types, in
 * ./registry (versioned, so a v2 can run beside v1 during a rolling upgrade); a subject string never
 * appears anywhere else.
 */
import { HealthCheck, Ping, ServiceName } from './registry/health.contracts';

export { ServiceNames } from './registry/health.contracts';
export type { ServiceName } from './registry/health.contracts';

/** @deprecated use `HealthCheck(service)` (a typed contract); `.subject` is this string */
export const healthSubject = (service: ServiceName | 'gateway'): string => HealthCheck(service).subject;
/** @deprecated use `Ping(service)` (a typed contract); `.subject` is this string */
export const pingSubject = (service: ServiceName | 'gateway'): string => Ping(service).subject;

/** Domain events live in one JetStream stream; subjects start with `events.` */
export const EVENT_STREAM = 'CIRCULATION_EVENTS';
export const EVENT_SUBJECT_PREFIX = 'events.';

/** Reported by health checks; bumped with package.json. */
export const SUITE_VERSION = '0.1.0';
