import { Injectable, Logger } from '@nestjs/common';
import { DomainError, SecretHasher, VerifiedSecretCache } from '@app/common';
import { ErrorCode, PatronRefDto, PinThrottleView, VerifyPinDto, VerifyPinResult } from '@app/contracts';
import { PatronsEnvDto } from '../config/patrons-env.dto';
import { PatronEntity } from '../entities/patron.entity';
import { PatronRepository } from '../repositories/patron.repository';
import { LibraryClock } from '@app/time';
import { toPatronView } from './patron.mapper';

/** Origin of PIN checks that do not say where they come from. */
export const UNSPECIFIED_ORIGIN = 'unspecified';

/**
 * PIN checks with wrong-PIN throttling keyed on what the guesser controls as well as the card: per
 * (card, origin) — a kiosk, an API key, a channel — so that guessing at one kiosk throttles the card at
 * that kiosk only, and per card across origins with a higher ceiling against guessing spread over many.
 * The counters live in the database (not in memory) so all replicas share them; staff see them on the
 * patron record and can clear them. The PIN itself is never logged.
 */
@Injectable()
export class PinVerificationService {
  private readonly logger = new Logger(PinVerificationService.name);
  private readonly perOrigin: number;
  private readonly perCard: number;
  private readonly windowSeconds: number;

  constructor(
    env: PatronsEnvDto,
    private readonly patrons: PatronRepository,
    private readonly hasher: SecretHasher,
    private readonly cache: VerifiedSecretCache,
    private readonly clock: LibraryClock,
  ) {
    this.perOrigin = env.PATRON_PIN_MAX_FAILURES;
    this.perCard = Math.max(env.PATRON_PIN_MAX_FAILURES_PER_CARD, env.PATRON_PIN_MAX_FAILURES);
    this.windowSeconds = env.PATRON_PIN_FAILURE_WINDOW_SECONDS;
  }

  private async patron(ref: { agency: string; barcode: string }): Promise<PatronEntity> {
    const patron = await this.patrons.findByRef(ref.agency, ref.barcode);
    if (!patron) {
      throw new DomainError(ErrorCode.PatronUnknown, `patron ${ref.agency}/${ref.barcode} not found`, {
        agency: ref.agency,
        barcode: ref.barcode,
      });
    }
    return patron;
  }

  async verify(dto: VerifyPinDto): Promise<VerifyPinResult> {
    const patron = await this.patron(dto);
    const origin = dto.origin ?? UNSPECIFIED_ORIGIN;
    const result = (valid: boolean, throttled = false): VerifyPinResult => ({
      valid,
      throttled,
      patron: toPatronView(patron, this.clock.today()),
    });

    // cheap pre-check from the row we already have; the claim below is the authoritative one
    if (this.cardWindowFull(patron)) return this.throttled(patron, origin, 'card', result);

    if (this.cache.matches(patron.id, dto.pin, patron.pinHash)) {
      if (patron.pinFailedCount > 0) await this.patrons.resetPinFailuresFrom(patron.id, origin);
      return result(true);
    }

    const attempt = await this.patrons.claimPinAttemptFrom(
      patron.id,
      origin,
      this.perOrigin,
      this.perCard,
      this.windowSeconds,
    );
    if (attempt.origin === null) return this.throttled(patron, origin, 'origin', result);
    if (attempt.card === null) return this.throttled(patron, origin, 'card', result);

    if (await this.hasher.verify(dto.pin, patron.pinHash)) {
      await this.patrons.resetPinFailuresFrom(patron.id, origin);
      this.cache.remember(patron.id, dto.pin, patron.pinHash);
      return result(true);
    }
    const ctx = {
      patronId: patron.id,
      agency: patron.agency,
      barcode: patron.barcode,
      origin,
      failures: attempt.origin,
      cardFailures: attempt.card,
    };
    if (attempt.origin >= this.perOrigin || attempt.card >= this.perCard) {
      // operators alert on security.* events (docs/security.md)
      this.logger.warn({
        ...ctx,
        event: 'security.pin-throttle-started',
        scope: attempt.card >= this.perCard ? 'card' : 'origin',
        windowSeconds: this.windowSeconds,
        msg:
          attempt.card >= this.perCard
            ? 'too many wrong PINs from many origins: card throttled everywhere'
            : 'too many wrong PINs from one origin: card throttled there',
      });
    } else {
      this.logger.log({ ...ctx, event: 'pin_invalid', msg: 'wrong PIN' });
    }
    return result(false);
  }

  /** The card's wrong-PIN state, for the patron record. */
  async throttleState(ref: PatronRefDto): Promise<PinThrottleView> {
    const patron = await this.patron(ref);
    const until = (start: Date) => new Date(start.getTime() + this.windowSeconds * 1000).toISOString();
    const cardThrottled = this.cardWindowFull(patron);
    const origins = (await this.patrons.pinFailuresByOrigin(patron.id, this.windowSeconds)).map((o) => {
      const throttled = o.failedCount >= this.perOrigin;
      return {
        origin: o.origin,
        failures: o.failedCount,
        throttled,
        throttledUntil: throttled ? until(o.windowStart) : null,
        lastFailedAt: o.lastFailedAt.toISOString(),
      };
    });
    const inWindow =
      patron.pinFailedWindowStart !== null &&
      patron.pinFailedWindowStart.getTime() > Date.now() - this.windowSeconds * 1000;
    const blocked = origins.filter((o) => o.throttled).map((o) => o.origin);
    const reason = cardThrottled
      ? `${patron.pinFailedCount} wrong PINs from several places: PINs are not checked anywhere until ${until(patron.pinFailedWindowStart!)}`
      : blocked.length
        ? `too many wrong PINs from ${blocked.join(', ')}: PINs are not checked there (elsewhere they are)`
        : null;
    return {
      failures: inWindow ? patron.pinFailedCount : 0,
      throttled: cardThrottled,
      throttledUntil: cardThrottled ? until(patron.pinFailedWindowStart!) : null,
      origins,
      reason,
    };
  }

  /** Staff clearing a card's throttle (after checking the reader's identity). */
  async clearThrottle(ref: PatronRefDto): Promise<PinThrottleView> {
    const patron = await this.patron(ref);
    await this.patrons.clearPinFailures(patron.id);
    this.logger.log({
      event: 'security.pin-throttle-cleared',
      patronId: patron.id,
      agency: patron.agency,
      barcode: patron.barcode,
      msg: 'PIN throttle cleared by staff',
    });
    return this.throttleState(ref);
  }

  private cardWindowFull(p: PatronEntity): boolean {
    return (
      p.pinFailedCount >= this.perCard &&
      p.pinFailedWindowStart !== null &&
      p.pinFailedWindowStart.getTime() > Date.now() - this.windowSeconds * 1000
    );
  }

  private throttled(
    p: PatronEntity,
    origin: string,
    scope: 'card' | 'origin',
    result: (valid: boolean, throttled?: boolean) => VerifyPinResult,
  ): VerifyPinResult {
    this.logger.warn({
      event: 'pin_throttled',
      patronId: p.id,
      agency: p.agency,
      barcode: p.barcode,
      origin,
      scope,
      msg:
        scope === 'card'
          ? 'PIN not checked: too many wrong PINs for this card'
          : 'PIN not checked: too many wrong PINs for this card from this origin',
    });
    return result(false, true);
  }
}
