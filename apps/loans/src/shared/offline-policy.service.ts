import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { ErrorCode } from '@app/contracts';
import { LoansEnvDto } from '../config/loans-env.dto';

/** A terminal's clock may run this far ahead of ours before its date counts as "in the future". */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * How far back offline transactions (SIP2 no-block, staff upload) and back-dated returns are
 * accepted, per agency (OFFLINE_MAX_DAYS_BACK, OFFLINE_MAX_DAYS_BACK_BY_AGENCY).
 */
@Injectable()
export class OfflinePolicyService {
  private readonly byAgency = new Map<string, number>();
  private readonly defaultDays: number;

  constructor(env: LoansEnvDto) {
    this.defaultDays = env.OFFLINE_MAX_DAYS_BACK;
    for (const part of (env.OFFLINE_MAX_DAYS_BACK_BY_AGENCY ?? '').split(',').filter(Boolean)) {
      const [isil, days] = part.split('=');
      this.byAgency.set(isil, Number(days));
    }
  }

  maxDaysBack(agency: string): number {
    return this.byAgency.get(agency) ?? this.defaultDays;
  }

  /**
   * The instant a terminal says something happened, checked against the window: not in the future
   * (beyond clock skew, which is clamped to now), not older than the agency accepts. Invalid → OFFLINE_DATE_INVALID.
   */
  instant(iso: string | undefined, agency: string, now: Date, what: string): Date {
    if (iso === undefined) return now;
    const at = new Date(iso);
    if (Number.isNaN(at.getTime()))
      throw new DomainError(ErrorCode.OfflineDateInvalid, `${what} ${iso} is not a date`, { field: what });
    if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) {
      throw new DomainError(ErrorCode.OfflineDateInvalid, `${what} ${iso} is in the future`, {
        field: what,
        reason: 'future',
      });
    }
    const days = this.maxDaysBack(agency);
    if (now.getTime() - at.getTime() > days * 86_400_000) {
      throw new DomainError(
        ErrorCode.OfflineDateInvalid,
        `${what} ${iso} is more than ${days} days back (OFFLINE_MAX_DAYS_BACK)`,
        {
          field: what,
          reason: 'too_old',
          maxDaysBack: days,
        },
      );
    }
    return at.getTime() > now.getTime() ? now : at;
  }
}
