import { Injectable } from '@nestjs/common';
import { ExactlyOnceWriter, NatsRpcClient } from '@app/common';
import {
  CatalogGetItem,
  CatalogListAgencies,
  LoansOfflinePolicy,
  CheckinDto,
  CheckinResult,
  CheckoutDto,
  CheckoutResult,
  ItemView,
  LoansCheckin,
  LoansCheckout,
  LoansItemLoan,
  LoansPatronLoans,
  LoansPatronSummary,
  LoansRenew,
  LoanView,
  PatronBlockKind,
  PatronsGet,
  PatronsSetBlock,
  PatronSummary,
  PatronsVerifyPin,
  PatronView,
  RenewDto,
  RenewResult,
  VerifyPinResult,
} from '@app/contracts';
import { CheckinOptions, CirculationBackend, Ref, WriteOptions } from './circulation-backend';
import { Sip2WriterService } from './sip2-writer.service';

const AGENCY_NAMES_TTL_MS = 5 * 60_000;

/** One NATS request per call (each with the client's timeout); nothing here logs a PIN. */
@Injectable()
export class NatsCirculationBackend implements CirculationBackend {
  private agencyNames?: { names: Map<string, string>; until: number };
  private readonly offlineDays = new Map<string, { days: number; until: number }>();
  private readonly writer: ExactlyOnceWriter;

  constructor(
    private readonly rpc: NatsRpcClient,
    writers: Sip2WriterService,
  ) {
    this.writer = writers.writer;
  }

  getPatron(ref: Ref): Promise<PatronView> {
    return this.rpc.call(PatronsGet, { agency: ref.agency, barcode: ref.barcode });
  }

  verifyPin(ref: Ref, pin: string, origin?: string): Promise<VerifyPinResult> {
    return this.rpc.call(PatronsVerifyPin, {
      agency: ref.agency,
      barcode: ref.barcode,
      pin,
      ...(origin ? { origin } : {}),
    });
  }

  setPatronBlock(
    ref: Ref,
    block: PatronBlockKind,
    active: boolean,
    reason: string | undefined,
    actor: string,
  ): Promise<PatronView> {
    return this.rpc.call(PatronsSetBlock, {
      agency: ref.agency,
      barcode: ref.barcode,
      block,
      active,
      ...(reason ? { reason: reason.slice(0, 255) } : {}),
      actor,
    });
  }

  patronSummary(ref: Ref): Promise<PatronSummary> {
    return this.rpc.call(LoansPatronSummary, { patron: { agency: ref.agency, barcode: ref.barcode } });
  }

  async openLoans(ref: Ref, limit: number): Promise<LoanView[]> {
    const page = await this.rpc.call(LoansPatronLoans, {
      patron: { agency: ref.agency, barcode: ref.barcode },
      status: 'open',
      limit: Math.min(limit, 500),
    });
    return page.items;
  }

  getItem(ref: Ref): Promise<ItemView> {
    return this.rpc.call(CatalogGetItem, { agency: ref.agency, barcode: ref.barcode });
  }

  itemLoan(ref: Ref): Promise<LoanView | null> {
    return this.rpc.call(LoansItemLoan, { agency: ref.agency, barcode: ref.barcode }).then((l) => l ?? null);
  }

  checkout(patron: Ref, item: Ref, branch: string, pin?: string, opts: WriteOptions = {}): Promise<CheckoutResult> {
    const dto: CheckoutDto = {
      patron,
      item,
      branch,
      channel: 'sip2',
      ...(pin !== undefined ? { pin, ...(opts.pinOrigin ? { pinOrigin: opts.pinOrigin } : {}) } : {}),
      ...writeFields(opts),
    };
    return this.writer.write(LoansCheckout, dto);
  }

  checkin(item: Ref, branch: string, opts: CheckinOptions = {}): Promise<CheckinResult> {
    const dto: CheckinDto = {
      item,
      branch,
      channel: 'sip2',
      ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
      ...(opts.noBlock ? { noBlock: true } : {}),
      ...(opts.returnedAt ? { returnedAt: opts.returnedAt } : {}),
      ...(opts.trapHolds === false ? { trapHolds: false } : {}),
    };
    return this.writer.write(LoansCheckin, dto);
  }

  renew(patron: Ref, item: Ref, branch: string, opts: WriteOptions = {}): Promise<RenewResult> {
    const dto: RenewDto = { patron, item, branch, channel: 'sip2', ...writeFields(opts) };
    return this.writer.write(LoansRenew, dto);
  }

  /** Cached per agency for a few minutes (98 is frequent; the window is configuration). */
  async offlineDaysBack(isil: string): Promise<number | undefined> {
    const hit = this.offlineDays.get(isil);
    if (hit && hit.until > Date.now()) return hit.days;
    try {
      const policy = await this.rpc.call(LoansOfflinePolicy, { agency: isil }, { timeoutMs: 2000 });
      this.offlineDays.set(isil, { days: policy.maxDaysBack, until: Date.now() + AGENCY_NAMES_TTL_MS });
      return policy.maxDaysBack;
    } catch {
      return hit?.days;
    }
  }

  /** Cached for a few minutes: 98 is sent every few minutes by every kiosk. */
  async agencyName(isil: string): Promise<string | undefined> {
    if (!this.agencyNames || this.agencyNames.until < Date.now()) {
      try {
        const agencies = await this.rpc.call(CatalogListAgencies, {}, { timeoutMs: 2000 });
        this.agencyNames = {
          names: new Map(agencies.map((a) => [a.isil, a.name])),
          until: Date.now() + AGENCY_NAMES_TTL_MS,
        };
      } catch {
        return this.agencyNames?.names.get(isil);
      }
    }
    return this.agencyNames.names.get(isil);
  }
}

const writeFields = (o: WriteOptions) => ({
  ...(o.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {}),
  ...(o.noBlock ? { noBlock: true } : {}),
  ...(o.transactionAt ? { transactionAt: o.transactionAt } : {}),
  ...(o.dueDate ? { dueDate: o.dueDate } : {}),
});
