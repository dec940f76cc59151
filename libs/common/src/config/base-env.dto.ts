import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const LogLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables every service reads. Each app extends this with its own. */
export class BaseEnvDto {
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL: string;

  @Matches(/^(nats|tls):\/\/[^,]+(,(nats|tls):\/\/[^,]+)*$/, {
    message: 'NATS_URL must be nats://host:port (comma-separated for a cluster)',
  })
  NATS_URL: string;

  @IsOptional()
  @IsIn(LogLevels)
  LOG_LEVEL: (typeof LogLevels)[number] = 'info';

  /** The library's time zone: due dates and closed days are computed in it. */
  @IsOptional()
  @IsString()
  LIBRARY_TIMEZONE = 'Asia/Shanghai';

  /** Timeout for every NATS request this service sends. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120000)
  NATS_REQUEST_TIMEOUT_MS = 5000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 10;

  /**
   * Send repeated statements as named prepared statements (parsed and planned once per connection).
   * Turn off behind a connection pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? !/^(false|0|no|off)$/i.test(value) : value))
  @IsBoolean()
  DB_PREPARED_STATEMENTS = true;

  /** Copies of the JetStream event stream when a service creates it: 1 on one nats-server, 3 on a cluster. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  NATS_STREAM_REPLICAS = 1;

  /** Days a relayed outbox row is kept before the service deletes it (0: keep for ever). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  OUTBOX_RETENTION_DAYS = 30;

  /** Port of the Prometheus `/metrics` listener; unset: no listener (the launcher gives each service one). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  /** Address the metrics listener binds to: loopback unless Prometheus scrapes from another host/container. */
  @IsOptional()
  @IsString()
  METRICS_HOST = '127.0.0.1';
}
