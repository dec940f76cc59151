import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import { BaseEnvDto } from '@app/common';

export const NoticeSenders = ['logging', 'webhook', 'sms', 'wechat'] as const;
export type NoticeSenderKind = (typeof NoticeSenders)[number];

export class DeliveryEnvDto extends BaseEnvDto {
  /** Lending-stock locations (catalog branch codes, comma-separated): copies there can be ordered online. */
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9_-]{0,31}(,[A-Z0-9][A-Z0-9_-]{0,31})*$/, {
    message: 'DELIVERY_STOCK_LOCATIONS must be branch codes separated by commas',
  })
  DELIVERY_STOCK_LOCATIONS = 'KSL-O2O';

  /** Titles per order (N). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  DELIVERY_MAX_TITLES_PER_ORDER = 5;

  /** Books a reader may have ordered and not yet collected, over all orders (M). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  DELIVERY_MAX_OUTSTANDING = 15;

  /** Wrong pickup codes before the code is locked (staff or the reader re-issue it). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  PICKUP_CODE_MAX_FAILURES = 5;

  /** How often the expiry / reminder / waiting-parcel jobs run in each replica; 0 turns them off. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  DELIVERY_JOB_INTERVAL_MS = 60_000;

  /**
   * A locker controller that has called before and not for this long is silent: orders for the site are
   * refused and `delivery_locker_online` is 0 (the LockerOffline alert). Controllers send a heartbeat
   * every minute or so (POST /api/device/heartbeat).
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(86_400)
  LOCKER_SILENT_AFTER_SECONDS = 300;

  /** Hours before the pickup deadline when the "expires tomorrow" reminder goes out. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(168)
  DELIVERY_REMIND_HOURS_BEFORE = 24;

  /** Where notices go: logging (default, no code in the log), webhook, sms, wechat. */
  @IsOptional()
  @IsIn(NoticeSenders)
  NOTIFIER_SENDER: NoticeSenderKind = 'logging';

  /** webhook sender: every notice is POSTed as JSON to this URL. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  NOTIFIER_WEBHOOK_URL?: string;

  /** sms sender: the SMS gateway's HTTP endpoint (template SMS, e.g. a provider's send API or an in-house relay). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SMS_API_URL?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  SMS_API_TOKEN?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  SMS_SIGN_NAME = '昆山市图书馆';

  /** sms sender: template ids per notice, `ready=SMS_1,reminder=SMS_2,…` */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  SMS_TEMPLATES?: string;

  /** wechat sender: official-account template messages. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  WECHAT_API_BASE = 'https://api.weixin.qq.com';

  @IsOptional()
  @IsString()
  @MaxLength(100)
  WECHAT_APP_ID?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  WECHAT_APP_SECRET?: string;

  /** wechat sender: template ids per notice, `ready=…,reminder=…` */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  WECHAT_TEMPLATES?: string;
}

export const stockLocations = (env: DeliveryEnvDto): string[] => env.DELIVERY_STOCK_LOCATIONS.split(',');
