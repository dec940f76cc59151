import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { LogLevels } from '@app/common';

/*
 * V8 flags of the service processes (measured in docs/operations.md, "Memory"). Every service caps its
 * old generation at 512 MiB: far above what any of them holds live (~25-50 MiB), but with a small cap
 * V8 lets the heap grow to ~1.4x the live data between full collections instead of up to 4x (what
 * the default ~4 GiB limit allows). The light-traffic services (no SIP2 hot path) also keep the young
 * generation small: their 16 MiB semi-spaces fill once at boot and then sit there; the busy ones keep
 * the default, because halving it doubles the scavenges under load (~5 % more CPU in loans).
 */
export const SERVICE_HEAP_FLAGS = ['--max-old-space-size=512'];
export const LIGHT_SERVICE_FLAGS = ['--max-semi-space-size=4'];
export const LIGHT_TRAFFIC_SERVICES: readonly string[] = ['delivery', 'federation', 'statistics', 'gateway'];

/** The node flags a service runs with unless SERVICE_NODE_FLAGS says otherwise. */
export function defaultServiceNodeFlags(service: string): string[] {
  return [...SERVICE_HEAP_FLAGS, ...(LIGHT_TRAFFIC_SERVICES.includes(service) ? LIGHT_SERVICE_FLAGS : [])];
}

export function parseNodeFlags(flags: string): string[] {
  return flags.split(/\s+/).filter(Boolean);
}

/**
 * `npm start` configuration. With DATABASE_URL and NATS_URL unset it runs the embedded default:
 * a private PostgreSQL cluster and nats-server under DATA_DIR, then every service.
 */
export class LauncherEnvDto {
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^(nats|tls):\/\/.+/, { message: 'NATS_URL must be nats://host:port' })
  NATS_URL?: string;

  @IsOptional()
  @IsString()
  DATA_DIR = '.data';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_NATS_PORT = 4222;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  SIP2_PORT = 6001;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  SIP2_TLS_PORT = 6002;

  /** listen address of the gateway and of SIP2; unset → 127.0.0.1 under the embedded default (demo key), else 0.0.0.0 */
  @IsOptional()
  @IsString()
  LISTEN_HOST?: string;

  @IsOptional()
  @IsString()
  BOOTSTRAP_API_KEY?: string;

  /**
   * Each service's Prometheus listener gets METRICS_BASE_PORT + its index (patrons 9464, catalog 9465, …,
   * gateway last); 0 picks free ports. The gateway also answers /metrics on PORT.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65500)
  METRICS_BASE_PORT = 9464;

  /** seed the demo network on first start (true) or never (false) */
  @IsOptional()
  @IsIn(['true', 'false'])
  SEED_DEMO: 'true' | 'false' = 'true';

  /** how long the launcher waits for every service to report healthy before it gives up (restore drills on a busy host need more) */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(3600)
  STARTUP_TIMEOUT_SECONDS = 90;

  @IsOptional()
  @IsIn(LogLevels)
  LOG_LEVEL: (typeof LogLevels)[number] = 'info';

  @IsOptional()
  @IsString()
  LIBRARY_TIMEZONE = 'Asia/Shanghai';

  /**
   * node/V8 flags for every service process (space-separated; empty: none). Unset: each service's
   * defaults (defaultServiceNodeFlags; docs/operations.md, "Memory").
   */
  @IsOptional()
  @IsString()
  @Matches(/^(\s*--[a-z0-9-]+(=[^\s]+)?)*\s*$/, { message: 'SERVICE_NODE_FLAGS must be --flags separated by spaces' })
  SERVICE_NODE_FLAGS?: string;

  /**
   * Embedded default only: run this many nats-server nodes as a loopback cluster (client ports
   * EMBEDDED_NATS_PORT, +1, …); the event stream then keeps min(3, nodes) replicas unless
   * NATS_STREAM_REPLICAS says otherwise (docs/reliability.md).
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  NATS_CLUSTER = 1;

  /** Processes per service, sharing the work in their queue groups (docs/reliability.md). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  SERVICE_REPLICAS = 1;

  /** Where to write what runs (pids, states, addresses) as JSON, for tools such as `npm run chaos`. */
  @IsOptional()
  @IsString()
  LAUNCHER_STATE_FILE?: string;

  /** Replica k (k ≥ 2) of the gateway and of sip2 listens on its ports + (k − 1) × this. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30000)
  REPLICA_PORT_OFFSET = 100;
}
