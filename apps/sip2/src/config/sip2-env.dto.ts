import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { BaseEnvDto } from '@app/common';

const Int = () => Type(() => Number);

export class Sip2EnvDto extends BaseEnvDto {
  @IsOptional()
  @IsString()
  SIP2_HOST = '0.0.0.0';

  /** plain TCP listener (kiosks, or stunnel in front of them); 0 picks a free port */
  @IsOptional()
  @Int()
  @IsInt()
  @Min(0)
  @Max(65535)
  SIP2_PORT = 6001;

  @IsOptional()
  @Int()
  @IsInt()
  @Min(0)
  @Max(65535)
  SIP2_TLS_PORT = 6002;

  /** PEM files; when both are absent a self-signed demo pair is generated and cached in SIP2_TLS_DIR */
  @IsOptional()
  @IsString()
  SIP2_TLS_CERT?: string;

  @IsOptional()
  @IsString()
  SIP2_TLS_KEY?: string;

  @IsOptional()
  @IsString()
  SIP2_TLS_DIR = '.data/sip2-tls';

  /** seconds a new connection may take to log in (before the terminal is known); short, so idle sockets cannot hold slots */
  @IsOptional()
  @Int()
  @IsInt()
  @Min(2)
  @Max(3600)
  SIP2_LOGIN_TIMEOUT_SECONDS = 10;

  @IsOptional()
  @Int()
  @IsInt()
  @Min(1)
  @Max(100000)
  SIP2_MAX_CONNECTIONS = 2000;

  @IsOptional()
  @Int()
  @IsInt()
  @Min(1)
  @Max(10000)
  SIP2_MAX_CONNECTIONS_PER_ADDRESS = 64;

  /**
   * connections not logged in yet: a cap of their own, per address and in total; logged-in kiosks never
   * count. Per address it leaves room for a branch's kiosks behind one NAT address reconnecting together
   * after a link blip (all of them connected, none logged in yet, for a moment): 16 displaced some.
   */
  @IsOptional()
  @Int()
  @IsInt()
  @Min(1)
  @Max(10000)
  SIP2_MAX_UNAUTHENTICATED_PER_ADDRESS = 48;

  @IsOptional()
  @Int()
  @IsInt()
  @Min(1)
  @Max(100000)
  SIP2_MAX_UNAUTHENTICATED = 256;

  /** a frame longer than this is discarded and answered with 96 */
  @IsOptional()
  @Int()
  @IsInt()
  @Min(256)
  @Max(1048576)
  SIP2_MAX_FRAME_BYTES = 8192;

  /** wrong terminal passwords per remote address per minute before failed logins are delayed more and more */
  @IsOptional()
  @Int()
  @IsInt()
  @Min(1)
  @Max(1000)
  SIP2_LOGIN_FAILURES_PER_MINUTE = 5;

  /** longest delay of a failed login (ms) */
  @IsOptional()
  @Int()
  @IsInt()
  @Min(0)
  @Max(120000)
  SIP2_LOGIN_FAILURE_MAX_DELAY_MS = 10000;

  /** wrong patron PINs per terminal per minute answered without delay; beyond, wrong-PIN answers are delayed more and more */
  @IsOptional()
  @Int()
  @IsInt()
  @Min(1)
  @Max(1000)
  SIP2_PIN_FAILURES_PER_TERMINAL_PER_MINUTE = 10;

  /** wrong PINs for one card at one terminal per minute before that card's PIN is no longer checked there */
  @IsOptional()
  @Int()
  @IsInt()
  @Min(1)
  @Max(1000)
  SIP2_PIN_FAILURES_PER_CARD_PER_MINUTE = 5;

  /** longest delay of a wrong-PIN answer (ms); a kiosk's readers share its connection, so keep it short */
  @IsOptional()
  @Int()
  @IsInt()
  @Min(0)
  @Max(60000)
  SIP2_PIN_FAILURE_MAX_DELAY_MS = 4000;

  /** how long terminal accounts stay cached in memory (seconds) */
  @IsOptional()
  @Int()
  @IsInt()
  @Min(0)
  @Max(3600)
  SIP2_ACCOUNT_CACHE_SECONDS = 30;

  /**
   * Circulation writes (11, 09, 29, 37, 15) may commit until this long after they were sent; a timeout
   * or a restarting loans service is retried with the same idempotency key until then (docs/sip2.md §4.1).
   */
  @IsOptional()
  @Int()
  @IsInt()
  @Min(500)
  @Max(120_000)
  SIP2_WRITE_DEADLINE_MS = 6000;

  /** after the deadline, how long the adapter tries to learn a write's outcome before refusing it */
  @IsOptional()
  @Int()
  @IsInt()
  @Min(200)
  @Max(60_000)
  SIP2_WRITE_OUTCOME_MS = 2000;
}
