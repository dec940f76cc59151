import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { LogLevels } from '@app/common';

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

  @IsOptional()
  @IsString()
  BOOTSTRAP_API_KEY?: string;

  /** seed the demo network on first start (true) or never (false) */
  @IsOptional()
  @IsIn(['true', 'false'])
  SEED_DEMO: 'true' | 'false' = 'true';

  @IsOptional()
  @IsIn(LogLevels)
  LOG_LEVEL: (typeof LogLevels)[number] = 'info';

  @IsOptional()
  @IsString()
  LIBRARY_TIMEZONE = 'Asia/Shanghai';
}
