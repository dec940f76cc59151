import { as, NoPayload, rpc } from '../contract';
import type { PingReply, ServiceHealth } from '../common/health.dto';

export const ServiceNames = ['patrons', 'catalog', 'loans', 'delivery', 'federation', 'sip2', 'statistics'] as const;
export type ServiceName = (typeof ServiceNames)[number];

/** `<service>.health.v1`: database, NATS and extra checks; every service and the gateway answer it. */
export const HealthCheck = <S extends ServiceName | 'gateway'>(service: S) =>
  rpc(`${service}.health.v1`, NoPayload, as<ServiceHealth>());
/** `<service>.ping.v1`: liveness. */
export const Ping = <S extends ServiceName | 'gateway'>(service: S) =>
  rpc(`${service}.ping.v1`, NoPayload, as<PingReply>());
