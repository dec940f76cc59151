import { Injectable } from '@nestjs/common';
import { DomainError, OutboxService } from '@app/common';
import {
  BranchView,
  ErrorCode,
  HoldPlaced,
  HoldView,
  ItemView,
  LoansHoldsPlace,
  PlaceHoldDto,
  RecordView,
} from '@app/contracts';
import { IdempotencyService, OnceWrite } from '../shared/idempotency.service';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CatalogClient } from '../shared/catalog.client';
import { PatronsClient } from '../shared/patrons.client';
import { LoansEnvDto } from '../config/loans-env.dto';
import { CHECKOUT_STATUSES, patronRefusal } from '../rules/circulation-checks';
import { localDate } from '@app/time';
import { LoanPolicyService } from '../rules/loan-policy.service';
import { refuse } from '../rules/refuse';
import { PickupLocationsService } from './pickup-locations.service';
import { CatalogHoldingsClient } from './catalog-holdings.client';
import { toHoldEventData, toHoldView } from './hold.mapper';
import { HoldRepository, HoldRow } from './hold.repository';
import { LoanRepository } from '../shared/loan.repository';

/** Branch kinds a patron can collect from: staffed desks and smart lockers (24-hour libraries have no hold shelf). */
export const PICKUP_KINDS: readonly string[] = ['central', 'branch', 'locker'];

/** A copy that could fill a hold one day: lendable and not lost/withdrawn/damaged. */
export const isHoldable = (item: Pick<ItemView, 'loanable' | 'status'>): boolean =>
  item.loanable && CHECKOUT_STATUSES.includes(item.status);

/** Read the policy matrix's hold flag; rules without the column (older fixtures) allow holds. */
const holdsAllowed = (rule: object): boolean => (rule as { holdsAllowed?: boolean }).holdsAllowed !== false;

/**
 * Placing a hold: patron, target (item or title) and pickup branch are checked in parallel over
 * NATS; then one short transaction refuses a patron who already has the title out and inserts the
 * hold, the partial unique index refusing a duplicate.
 */
@Injectable()
export class PlaceHoldUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patrons: PatronsClient,
    private readonly catalog: CatalogClient,
    private readonly holdings: CatalogHoldingsClient,
    private readonly branches: PickupLocationsService,
    private readonly policy: LoanPolicyService,
    private readonly holds: HoldRepository,
    private readonly loans: LoanRepository,
    private readonly outbox: OutboxService,
    private readonly env: LoansEnvDto,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** With an idempotency key the reply is stored with the hold; a retry of a placed hold answers it again. */
  execute(dto: PlaceHoldDto): Promise<HoldView> {
    return this.idempotency.run(LoansHoldsPlace.subject, dto, (once) => this.place(dto, once));
  }

  private async place(dto: PlaceHoldDto, once: OnceWrite | null): Promise<HoldView> {
    if (!dto.recordId === !dto.item) throw invalid('give exactly one of recordId (title-level) and item (item-level)');
    const placedBy = dto.placedBy ?? 'patron';
    if (dto.priority !== undefined && placedBy !== 'staff')
      throw invalid('priority may only be set on a staff-placed hold');
    if (dto.setAside && !dto.item) throw invalid('setAside needs an item-level hold');

    const [patronR, targetR, pickupR] = await Promise.allSettled([
      this.patrons.forCirculation(dto.patron, dto.pin, dto.pinOrigin ?? `loans:${dto.channel ?? 'api'}`),
      dto.item ? this.catalog.getItem(dto.item) : this.holdings.getRecord(dto.recordId!),
      this.branches.find(dto.pickupBranch),
    ]);
    if (patronR.status === 'rejected') throw patronR.reason;
    if (targetR.status === 'rejected') throw targetR.reason;
    if (pickupR.status === 'rejected') throw pickupR.reason;
    const { patron, pin } = patronR.value;
    const now = new Date();
    const tz = this.env.LIBRARY_TIMEZONE;
    const today = localDate(now, tz);
    refuse(patronRefusal(patron, today, pin));
    if (dto.notNeededAfter && dto.notNeededAfter < today)
      throw invalid(`notNeededAfter ${dto.notNeededAfter} is in the past`);

    const pickup = pickupR.value;
    if (!pickup) throw new DomainError(ErrorCode.BranchUnknown, `branch ${dto.pickupBranch} is not registered`);
    checkPickup(pickup, patron.agency);

    const item = dto.item ? (targetR.value as ItemView) : null;
    let recordId: string;
    let title: string;
    if (item) {
      if (item.agency !== pickup.agency) {
        throw new DomainError(
          ErrorCode.HoldPickupInvalid,
          `item ${item.agency}/${item.barcode} cannot be collected at ${pickup.code} (${pickup.agency})`,
        );
      }
      if (!isHoldable(item)) {
        throw new DomainError(
          ErrorCode.ItemNotLoanable,
          `item ${item.agency}/${item.barcode} cannot be lent (${item.loanable ? item.status : 'library use only'})`,
          {
            status: item.status,
            loanable: item.loanable,
          },
        );
      }
      const rule = await this.policy.resolve({
        owningBranch: item.homeBranch,
        agency: item.agency,
        patronType: patron.patronType,
        itemType: item.itemType,
      });
      if (!holdsAllowed(rule))
        throw new DomainError(
          ErrorCode.HoldNotAllowed,
          `holds are not allowed on ${item.itemType} for ${patron.patronType} patrons`,
          { ruleId: rule.id },
        );
      recordId = item.recordId;
      title = item.title;
    } else {
      const record = targetR.value as RecordView;
      const copies = (await this.holdings.copies(record.id, pickup.agency)).filter(isHoldable);
      if (copies.length === 0)
        throw new DomainError(ErrorCode.HoldNotAllowed, `no copy of "${record.title}" in ${pickup.agency} can be lent`);
      await this.requireSomeCopyAllowsHolds(copies, patron.patronType);
      recordId = record.id;
      title = record.title;
    }

    const priority = dto.priority ?? (await this.holds.priorityFor(patron.patronType));
    const hold: HoldRow = {
      id: randomUUID(),
      patronAgency: patron.agency,
      patronBarcode: patron.barcode,
      patronType: patron.patronType,
      level: item ? 'item' : 'title',
      recordId,
      itemAgency: item?.agency ?? null,
      itemBarcode: item?.barcode ?? null,
      title,
      agency: pickup.agency,
      pickupBranch: pickup.code,
      // set aside at once (O2O order): the copy travels to the pickup location for this hold
      status: dto.setAside ? 'in_transit' : 'waiting',
      priority,
      placedBy,
      channel: dto.channel ?? 'api',
      placedAt: now,
      notNeededAfter: dto.notNeededAfter ?? null,
      trappedItemAgency: dto.setAside ? item!.agency : null,
      trappedItemBarcode: dto.setAside ? item!.barcode : null,
      trappedHomeBranch: dto.setAside ? item!.homeBranch : null,
      trappedItemType: dto.setAside ? item!.itemType : null,
      trappedAt: dto.setAside ? now : null,
      readyAt: null,
      pickupDeadline: null,
      shelfClearedAt: null,
      endedAt: null,
      endReason: null,
      loanId: null,
    };

    const reply = await this.dataSource.transaction(async (m) => {
      const who = { agency: patron.agency, barcode: patron.barcode };
      if (await this.loans.patronHasLoan(m, who, recordId, item)) {
        throw new DomainError(
          ErrorCode.HoldPatronHasItem,
          `patron ${who.agency}/${who.barcode} already has ${item ? 'this item' : 'a copy of this title'} on loan`,
        );
      }
      if (dto.setAside) {
        // under the item lock a checkout takes; holds_trapped_item_key is the last word if two set-asides race
        const taken = await this.holds.copyTakenFor(m, item!);
        if (taken === 'on_loan')
          throw new DomainError(ErrorCode.ItemAlreadyOnLoan, `item ${item!.agency}/${item!.barcode} is on loan`);
        if (taken === 'set_aside') throw heldForAnother(item!);
      }
      const inserted = await this.holds
        .insertIfNoDuplicate(m, hold)
        .catch((err: { code?: string; constraint?: string }) => {
          if (err.code === '23505' && err.constraint === 'holds_trapped_item_key') throw heldForAnother(item!);
          throw err;
        });
      if (!inserted) {
        throw new DomainError(
          ErrorCode.HoldAlreadyPlaced,
          `patron ${who.agency}/${who.barcode} already has a hold on "${title}"`,
        );
      }
      await this.outbox.add(m, HoldPlaced, toHoldEventData(hold, tz), now);
      if (!once) return null;
      const view = toHoldView((await this.holds.findById(hold.id, m))!, tz);
      await once.record(m, view);
      return view;
    });
    this.outbox.notifyCommitted();
    return reply ?? toHoldView((await this.holds.findById(hold.id))!, tz);
  }

  /** The policy matrix decides per (owning branch, item type); one copy whose rule allows it is enough. */
  private async requireSomeCopyAllowsHolds(copies: ItemView[], patronType: string): Promise<void> {
    const keys = new Map(copies.map((c) => [`${c.homeBranch}|${c.itemType}`, c]));
    for (const c of keys.values()) {
      const rule = await this.policy.resolve({
        owningBranch: c.homeBranch,
        agency: c.agency,
        patronType,
        itemType: c.itemType,
      });
      if (holdsAllowed(rule)) return;
    }
    throw new DomainError(
      ErrorCode.HoldNotAllowed,
      `the loan rules allow no holds on this title for ${patronType} patrons`,
    );
  }
}

function checkPickup(pickup: BranchView, patronAgency: string): void {
  if (!PICKUP_KINDS.includes(pickup.kind)) {
    throw new DomainError(ErrorCode.HoldPickupInvalid, `${pickup.code} (${pickup.kind}) is not a pickup location`, {
      kind: pickup.kind,
    });
  }
  // holds travel inside one library's network; partner libraries go through federation
  if (pickup.agency !== patronAgency) {
    throw new DomainError(
      ErrorCode.HoldPickupInvalid,
      `${pickup.code} belongs to ${pickup.agency}, not the patron's library ${patronAgency}`,
    );
  }
}

const invalid = (message: string) => new DomainError(ErrorCode.ValidationFailed, message);
const heldForAnother = (item: { agency: string; barcode: string }) =>
  new DomainError(
    ErrorCode.ItemHeldForAnotherPatron,
    `item ${item.agency}/${item.barcode} is set aside for another hold`,
  );
