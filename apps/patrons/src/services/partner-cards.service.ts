import { Injectable, Logger } from '@nestjs/common';
import { DomainError, NatsRpcClient, RemoteError } from '@app/common';
import {
  ErrorCode,
  FederationPartnerCards,
  FederationResolvePartnerPatron,
  PatronRefDto,
  VerifyPinResult,
} from '@app/contracts';

const RULES_TTL_MS = 60_000;
const RULES_RETRY_MS = 5_000;
/** the home library is asked over NCIP: allow for its timeout and one retry */
const RESOLVE_TIMEOUT_MS = 15_000;

/**
 * Partner readers at our desks and kiosks (regional borrow-anywhere). Only a barcode that is not one of
 * our patrons and matches a partner agreement's card prefix or pattern is sent to the federation service,
 * which checks it at the reader's home library: our own patrons' lookups never leave this service.
 */
/** a miss re-reads the rules when they are older than this */
const MISS_RELOAD_MS = 2_000;

@Injectable()
export class PartnerCardsService {
  private readonly logger = new Logger(PartnerCardsService.name);
  private rules: { isil: string; test: (barcode: string) => boolean }[] = [];
  private loadedUntil = 0;
  private loading: Promise<void> | null = null;

  constructor(private readonly rpc: NatsRpcClient) {}

  private loadedAt = 0;

  private async refresh(force = false): Promise<void> {
    if (!force && Date.now() < this.loadedUntil) return;
    this.loading ??= this.rpc
      .call(FederationPartnerCards, {}, { timeoutMs: 2_000 })
      .then((rules) => {
        this.rules = rules.flatMap((r) => {
          const re = r.pattern ? safeRegExp(r.pattern) : null;
          if (!r.prefix && !re) return [];
          return [
            {
              isil: r.isil,
              test: (b: string) => (r.prefix ? b.startsWith(r.prefix) : true) && (re ? re.test(b) : true),
            },
          ];
        });
        this.loadedAt = Date.now();
        this.loadedUntil = this.loadedAt + RULES_TTL_MS;
      })
      .catch((e: Error) => {
        // federation down: keep the rules we had; unknown barcodes stay unknown meanwhile
        this.loadedUntil = Date.now() + RULES_RETRY_MS;
        this.logger.warn({ event: 'partner_cards_unavailable', msg: e.message });
      })
      .finally(() => (this.loading = null));
    await this.loading;
  }

  /** The partner reader's record and PIN check from their home library, or null when the barcode is no partner card. */
  async resolve(ref: PatronRefDto, pin?: string): Promise<VerifyPinResult | null> {
    await this.refresh();
    // a card no rule knows: an agreement may have just been added or changed, so the rules are read
    // again (at most every few seconds: unknown barcodes must not turn into a request each)
    if (!this.rules.some((r) => r.test(ref.barcode)) && Date.now() - this.loadedAt > MISS_RELOAD_MS)
      await this.refresh(true);
    if (!this.rules.some((r) => r.test(ref.barcode))) return null;
    try {
      return await this.rpc.call(
        FederationResolvePartnerPatron,
        { barcode: ref.barcode, pin },
        { timeoutMs: RESOLVE_TIMEOUT_MS },
      );
    } catch (e) {
      if (e instanceof RemoteError) throw new DomainError(e.code, e.message, e.details);
      throw e;
    }
  }
}

function safeRegExp(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern);
  } catch {
    return null;
  }
}

export const isPatronUnknown = (e: unknown): boolean => e instanceof DomainError && e.code === ErrorCode.PatronUnknown;
