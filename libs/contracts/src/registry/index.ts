import type { Contract } from '../contract';
import * as catalog from './catalog.contracts';
import * as delivery from './delivery.contracts';
import * as federation from './federation.contracts';
import * as loans from './loans.contracts';
import * as patrons from './patrons.contracts';
import * as sip2 from './sip2.contracts';
import * as statistics from './statistics.contracts';

export * from './health.contracts';
export * from './patrons.contracts';
export * from './catalog.contracts';
export * from './loans.contracts';
export * from './sip2.contracts';
export * from './delivery.contracts';
export * from './federation.contracts';
export * from './statistics.contracts';

function isContract(value: unknown): value is Contract {
  return typeof value === 'object' && value !== null && 'kind' in value && 'subject' in value;
}

/**
 * Every contract of the suite (request/reply, events, broadcasts), one entry per subject; the
 * `<service>.health.v1` / `.ping.v1` family (HealthCheck, Ping) is per service and not listed.
 * docs/architecture.md must name each subject (subjects-documented.spec.ts).
 */
export const ContractRegistry: readonly Contract[] = Object.freeze(
  [patrons, catalog, loans, sip2, delivery, federation, statistics].flatMap((area) =>
    Object.values(area).filter(isContract),
  ),
);
