import { Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import {
  CatalogGetItem,
  CatalogListAgencies,
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
import { CirculationBackend, Ref } from './circulation-backend';

const AGENCY_NAMES_TTL_MS = 5 * 60_000;

/** One NATS request per call (each with the client's timeout); nothing here logs a PIN. */
@Injectable()
export class NatsCirculationBackend implements CirculationBackend {
  private agencyNames?: { names: Map<string, string>; until: number };

  constructor(private readonly rpc: NatsRpcClient) {}

  getPatron(ref: Ref): Promise<PatronView> {
    return this.rpc.call(PatronsGet, { agency: ref.agency, barcode: ref.barcode });
  }

  verifyPin(ref: Ref, pin: string): Promise<VerifyPinResult> {
    return this.rpc.call(PatronsVerifyPin, { agency: ref.agency, barcode: ref.barcode, pin });
  }

  setPatronBlock(ref: Ref, block: PatronBlockKind, active: boolean, reason: string | undefined, actor: string): Promise<PatronView> {
    return this.rpc.call(PatronsSetBlock, {
      agency: ref.agency, barcode: ref.barcode, block, active, ...(reason ? { reason: reason.slice(0, 255) } : {}), actor,
    });
  }

  patronSummary(ref: Ref): Promise<PatronSummary> {
    return this.rpc.call(LoansPatronSummary, { patron: { agency: ref.agency, barcode: ref.barcode } });
  }

  async openLoans(ref: Ref, limit: number): Promise<LoanView[]> {
    const page = await this.rpc.call(LoansPatronLoans, {
      patron: { agency: ref.agency, barcode: ref.barcode }, status: 'open', limit: Math.min(limit, 500),
    });
    return page.items;
  }

  getItem(ref: Ref): Promise<ItemView> {
    return this.rpc.call(CatalogGetItem, { agency: ref.agency, barcode: ref.barcode });
  }

  itemLoan(ref: Ref): Promise<LoanView | null> {
    return this.rpc.call(LoansItemLoan, { agency: ref.agency, barcode: ref.barcode }).then((l) => l ?? null);
  }

  checkout(patron: Ref, item: Ref, branch: string, pin?: string): Promise<CheckoutResult> {
    const dto: CheckoutDto = { patron, item, branch, channel: 'sip2', ...(pin !== undefined ? { pin } : {}) };
    return this.rpc.call(LoansCheckout, dto);
  }

  checkin(item: Ref, branch: string): Promise<CheckinResult> {
    const dto: CheckinDto = { item, branch, channel: 'sip2' };
    return this.rpc.call(LoansCheckin, dto);
  }

  renew(patron: Ref, item: Ref, branch: string): Promise<RenewResult> {
    const dto: RenewDto = { patron, item, branch, channel: 'sip2' };
    return this.rpc.call(LoansRenew, dto);
  }

  /** Cached for a few minutes: 98 is sent every few minutes by every kiosk. */
  async agencyName(isil: string): Promise<string | undefined> {
    if (!this.agencyNames || this.agencyNames.until < Date.now()) {
      try {
        const agencies = await this.rpc.call(CatalogListAgencies, {}, { timeoutMs: 2000 });
        this.agencyNames = { names: new Map(agencies.map((a) => [a.isil, a.name])), until: Date.now() + AGENCY_NAMES_TTL_MS };
      } catch {
        return this.agencyNames?.names.get(isil);
      }
    }
    return this.agencyNames.names.get(isil);
  }
}
