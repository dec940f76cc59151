export * from './contract';
export * from './registry';
export * from './subjects';
export * from './legacy-subjects';
export * from './errors';
export * from './common/identity';
export * from './common/correlation';
export * from './common/health.dto';
export * from './common/page.dto';
export * from './patrons';
export * from './catalog';
export * from './loans';
export * from './events/event-envelope';
export * from './sip2';
// for the gateway's OpenAPI document (the DTOs' decorators come from ./common/api-doc)
export { apiDocRecords, documentedProperties } from './common/api-doc';
export type { ApiDocRecord, ApiPropertyRecord, MappedTypeRecord } from './common/api-doc';
export * from './federation';
