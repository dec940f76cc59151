import { BaseEnvDto } from '@app/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, registerDecorator, ValidationOptions } from 'class-validator';

/** Rejects a zone Intl does not know, so a typo stops the service at boot instead of skewing expiry dates. */
function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an IANA time zone such as Asia/Shanghai', ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string' || value === '') return false;
          try {
            new Intl.DateTimeFormat('en-US', { timeZone: value });
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}

export class PatronsEnvDto extends BaseEnvDto {
  /** Card expiry ("expired") is decided against today's date in this zone. */
  @IsOptional()
  @IsString()
  @IsIanaTimeZone()
  override LIBRARY_TIMEZONE = 'Asia/Shanghai';

  /** Wrong PINs for a card from one origin (terminal, API key, channel) within the window before that origin gets `throttled`. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  PATRON_PIN_MAX_FAILURES = 5;

  /** Wrong PINs for a card from all origins together within the window before it is throttled everywhere. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  PATRON_PIN_MAX_FAILURES_PER_CARD = 20;

  /** Length of the wrong-PIN window, counted from the first failure in it. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86400)
  PATRON_PIN_FAILURE_WINDOW_SECONDS = 900;

  /** How long a verified PIN is remembered in memory (0 turns the cache off). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  PATRON_PIN_CACHE_TTL_SECONDS = 600;
}
