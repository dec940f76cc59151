import { Injectable, Logger } from '@nestjs/common';
import { DomainError, SecretHasher, VerifiedSecretCache } from '@app/common';
import { ErrorCode, VerifyPinDto, VerifyPinResult } from '@app/contracts';
import { PatronsEnvDto } from '../config/patrons-env.dto';
import { PatronEntity } from '../entities/patron.entity';
import { PatronRepository } from '../repositories/patron.repository';
import { LibraryClock } from '@app/time';
import { toPatronView } from './patron.mapper';

/**
 * PIN checks with wrong-PIN throttling. The counter lives on the patron row (not in memory) so all
 * replicas behind the NATS queue group share it: an attacker cannot multiply their guesses by the
 * replica count. The PIN itself is never logged.
 */
@Injectable()
export class PinVerificationService {
  private readonly logger = new Logger(PinVerificationService.name);
  private readonly maxFailures: number;
  private readonly windowSeconds: number;

  constructor(
    env: PatronsEnvDto,
    private readonly patrons: PatronRepository,
    private readonly hasher: SecretHasher,
    private readonly cache: VerifiedSecretCache,
    private readonly clock: LibraryClock,
  ) {
    this.maxFailures = env.PATRON_PIN_MAX_FAILURES;
    this.windowSeconds = env.PATRON_PIN_FAILURE_WINDOW_SECONDS;
  }

  async verify(dto: VerifyPinDto): Promise<VerifyPinResult> {
    const patron = await this.patrons.findByRef(dto.agency, dto.barcode);
    if (!patron) {
      throw new DomainError(ErrorCode.PatronUnknown, `patron ${dto.agency}/${dto.barcode} not found`, { agency: dto.agency, barcode: dto.barcode });
    }
    const result = (valid: boolean, throttled = false): VerifyPinResult => ({ valid, throttled, patron: toPatronView(patron, this.clock.today()) });

    // cheap pre-check from the row we already have; claimPinAttempt below is the authoritative one
    if (this.windowFull(patron)) return this.throttled(patron, result);

    if (this.cache.matches(patron.id, dto.pin, patron.pinHash)) {
      if (patron.pinFailedCount > 0) await this.patrons.resetPinFailures(patron.id);
      return result(true);
    }

    const attempt = await this.patrons.claimPinAttempt(patron.id, this.maxFailures, this.windowSeconds);
    if (attempt === null) return this.throttled(patron, result);

    if (await this.hasher.verify(dto.pin, patron.pinHash)) {
      await this.patrons.resetPinFailures(patron.id);
      this.cache.remember(patron.id, dto.pin, patron.pinHash);
      return result(true);
    }
    const ctx = { event: 'pin_invalid', patronId: patron.id, agency: patron.agency, barcode: patron.barcode, failures: attempt };
    if (attempt >= this.maxFailures) {
      this.logger.warn({ ...ctx, event: 'pin_throttle_started', windowSeconds: this.windowSeconds, msg: 'too many wrong PINs: throttling this card' });
    } else {
      this.logger.log({ ...ctx, msg: 'wrong PIN' });
    }
    return result(false);
  }

  private windowFull(p: PatronEntity): boolean {
    return (
      p.pinFailedCount >= this.maxFailures &&
      p.pinFailedWindowStart !== null &&
      p.pinFailedWindowStart.getTime() > Date.now() - this.windowSeconds * 1000
    );
  }

  private throttled(p: PatronEntity, result: (valid: boolean, throttled?: boolean) => VerifyPinResult): VerifyPinResult {
    this.logger.warn({
      event: 'pin_throttled',
      patronId: p.id,
      agency: p.agency,
      barcode: p.barcode,
      failures: p.pinFailedCount,
      msg: 'PIN not checked: too many wrong PINs in the window',
    });
    return result(false, true);
  }
}
