import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError, NatsRpcClient, RemoteError } from '@app/common';
import {
  BARCODE_PATTERN,
  CatalogCreateItem,
  CatalogCreateRecord,
  CatalogGetItem,
  CatalogGetRecord,
  CatalogSearchRecords,
  CatalogUpdateItem,
  CheckinResult,
  ErrorCode,
  HoldView,
  IDEMPOTENCY_KEY_PATTERN,
  IllRequestView,
  ItemView,
  LoansCheckin,
  LoansCheckout,
  LoansHoldsCancel,
  LoansHoldsPlace,
  LoansItemLoan,
  LoansRecall,
  LoansRenew,
  PatronsCreate,
  PatronsGet,
  PatronsVerifyPin,
  PatronView,
  RecordView,
} from '@app/contracts';
import { FederationEnvDto } from '../config/federation-env.dto';
import { Partner } from '../partners/partner-registry.service';
import { IllRequestService } from '../requests/ill-request.service';
import {
  AgencyRef,
  itemIdEl,
  NcipProblemError,
  NcipRequest,
  problem,
  ProblemSchemes,
  readAuthentication,
  readDate,
  readItemId,
  readRequestId,
  readUserId,
  requestIdEl,
  userIdEl,
} from './ncip-message';
import { child, el, OutEl, textAt } from './ncip-xml';

export interface HandlerContext {
  req: NcipRequest;
  partner: Partner;
  /** the FromAgencyId the message was accepted for (the key's own agency when it names none) */
  from?: string;
  /** who is acting, for request transitions: `ncip:<partner ISIL>` */
  actor: string;
}

/**
 * The idempotency key a partner's write carries to loans: (FromAgencyId, service, RequestId), so a retry
 * after a lost reply (or after our own answer was lost between loans and here) is answered with the first
 * outcome by loans itself. A RequestId that does not fit the key's shape is hashed. Writes without a
 * RequestId carry none: they are safe by their meaning (a checkout of an item already on loan to that
 * user answers with that loan; a checkin of an item not on loan is Item Not Checked Out), and an
 * item-keyed key would answer a later, different checkout or checkin of the same copy with an old outcome.
 */
export function loansIdempotencyKey(from: string, service: string, requestId: string | undefined): string | undefined {
  if (!requestId) return undefined;
  const plain = `ncip:${from}:${service}:${requestId}`;
  if (IDEMPOTENCY_KEY_PATTERN.test(plain)) return plain;
  const digest = createHash('sha256').update(`${from}\u0000${service}\u0000${requestId}`, 'utf8').digest('base64url');
  return `ncip:${from.replace(/[^\x21-\x7e]/g, '_').slice(0, 64)}:${service}:h:${digest}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Circulation status names of the NCIP 2 scheme for our item statuses. */
const CIRCULATION_STATUS: Record<string, string> = {
  available: 'Available On Shelf',
  on_loan: 'On Loan',
  in_transit: 'In Transit Between Library Locations',
  on_hold_shelf: 'Available For Pickup',
  lost: 'Lost',
  missing: 'Missing',
  claimed_returned: 'Claimed Returned Or Never Borrowed',
  damaged: 'Not Available',
  withdrawn: 'Not Available',
  in_processing: 'In Process',
};

/**
 * The NCIP services: each reads the request by meaning, calls loans/catalog/patrons over NATS and returns
 * the response body (after the ResponseHeader) in schema order, or throws an NcipProblemError.
 */
@Injectable()
export class NcipHandlersService {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly env: FederationEnvDto,
    private readonly requests: IllRequestService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  private get isil(): string {
    return this.env.LIBRARY_ISIL;
  }

  /** Circulation for a partner happens at its branch in our catalog, else at the default branch. */
  private branchFor(partner: Partner): string {
    return partner.branch ?? this.env.NCIP_DEFAULT_BRANCH;
  }

  /** The agency an AgencyId names: ours when absent or ours, the partner when it is the partner's ISIL or alias. */
  private agencyOf(value: string | undefined, partner: Partner): string {
    if (!value || value === this.isil) return this.isil;
    if (value === partner.isil || partner.aliases.includes(value)) return partner.isil;
    return value;
  }

  /** `idempotencyKey` for a loans write of this message, when it has a RequestId. */
  private loansKey(ctx: HandlerContext): { idempotencyKey?: string } {
    const key = loansIdempotencyKey(
      ctx.from ?? ctx.req.fromAgency ?? ctx.partner.isil,
      ctx.req.service,
      readRequestId(ctx.req.node)?.value,
    );
    return key ? { idempotencyKey: key } : {};
  }

  private requireUser(ctx: HandlerContext): AgencyRef {
    const u = readUserId(ctx.req.node);
    const auth = readAuthentication(ctx.req.node);
    const value = u?.value ?? auth.barcode;
    if (!value)
      throw problem(
        'Needed Data Missing',
        ProblemSchemes.general,
        'UserId or AuthenticationInput is required',
        'UserId',
      );
    if (!BARCODE_PATTERN.test(value))
      throw problem('Unknown User', ProblemSchemes.lookupUser, 'no such user', 'UserId/UserIdentifierValue', value);
    return { value, agency: u?.agency, type: u?.type };
  }

  private requireItem(ctx: HandlerContext): AgencyRef {
    const i = readItemId(ctx.req.node);
    if (!i) throw problem('Needed Data Missing', ProblemSchemes.general, 'ItemId is required', 'ItemId');
    return i;
  }

  /** (owning agency, barcode) of an ItemId; an "ILL Request Id" ItemId names the item of that request. */
  private async resolveItem(
    ctx: HandlerContext,
    i: AgencyRef,
    scheme: string,
  ): Promise<{ agency: string; barcode: string; request: IllRequestView | null }> {
    if (i.type && /request/i.test(i.type)) {
      const r =
        (await this.requests.findByPartnerRef(ctx.partner.isil, 'lending', i.value)) ??
        (await this.requests.findByPartnerRef(ctx.partner.isil, 'borrowing', i.value));
      if (!r?.item)
        throw problem('Unknown Item', scheme, 'no item for that request', 'ItemId/ItemIdentifierValue', i.value);
      return { ...r.item, request: r };
    }
    if (!BARCODE_PATTERN.test(i.value))
      throw problem('Unknown Item', scheme, 'no such item', 'ItemId/ItemIdentifierValue', i.value);
    const agency = this.agencyOf(i.agency, ctx.partner);
    return { agency, barcode: i.value, request: await this.requests.findOpenByItem(agency, i.value) };
  }

  private async catalogItem(agency: string, barcode: string): Promise<ItemView | null> {
    try {
      return await this.rpc.call(CatalogGetItem, { agency, barcode });
    } catch (e) {
      if (
        e instanceof RemoteError &&
        (e.code === ErrorCode.ItemUnknown || e.code === ErrorCode.NotFound || e.code === ErrorCode.ValidationFailed)
      )
        return null;
      throw e;
    }
  }

  /** A remote refusal as the NCIP problem a partner understands; unknown failures are temporary. */
  private refusal(e: unknown, scheme: string, ids: { user?: string; item?: string }): never {
    if (e instanceof NcipProblemError) throw e;
    if (!(e instanceof RemoteError)) throw e;
    const u = (type: string) => problem(type, scheme, e.message, 'UserId', ids.user);
    const it = (type: string) => problem(type, scheme, e.message, 'ItemId', ids.item);
    switch (e.code) {
      case ErrorCode.PatronUnknown:
        throw u('Unknown User');
      case ErrorCode.PatronBlocked:
      case ErrorCode.CardLost:
      case ErrorCode.CardExpired:
        throw u('User Blocked');
      case ErrorCode.PinInvalid:
      case ErrorCode.PinThrottled:
        throw problem('User Authentication Failed', scheme, e.message, 'AuthenticationInput');
      case ErrorCode.TooManyItems:
        throw u('Maximum Check Outs Exceeded');
      case ErrorCode.ItemUnknown:
        throw it('Unknown Item');
      case ErrorCode.ItemNotLoanable:
        throw it('Item Does Not Circulate');
      case ErrorCode.ItemAlreadyOnLoan:
        throw it('Resource Cannot Be Provided');
      case ErrorCode.ItemHeldForAnotherPatron:
        throw it('Check Out Not Allowed - Item Has Outstanding Requests');
      case ErrorCode.ItemNotOnLoan:
      case ErrorCode.LoanNotFound:
        throw it('Item Not Checked Out');
      case ErrorCode.RenewalLimitReached:
        throw it('Maximum Renewals Exceeded');
      case ErrorCode.RenewalRefusedHolds:
        throw it('Item Not Renewable');
      case ErrorCode.HoldAlreadyPlaced:
        throw it('Duplicate Request');
      case ErrorCode.HoldNotAllowed:
      case ErrorCode.HoldPatronHasItem:
      case ErrorCode.HoldPickupInvalid:
        throw it('Item Not Available By Need Before Date');
      case ErrorCode.HoldNotFound:
      case ErrorCode.HoldNotCancellable:
        throw problem('Unknown Request', scheme, e.message, 'RequestId');
      case ErrorCode.AgencyUnknown:
      case ErrorCode.BranchUnknown:
        throw problem('Unknown Agency', ProblemSchemes.general, e.message, 'AgencyId');
      case ErrorCode.ValidationFailed:
        throw problem('Invalid Message Syntax Error', ProblemSchemes.general, e.message);
      default:
        throw problem('Temporary Processing Failure', ProblemSchemes.general, `${e.code}: try again later`);
    }
  }

  private userEl(ref: AgencyRef): OutEl {
    return userIdEl({ agency: ref.agency ?? this.isil, value: ref.value, type: ref.type });
  }

  // ---------------- LookupUser ----------------
  async lookupUser(ctx: HandlerContext): Promise<OutEl[]> {
    const s = ProblemSchemes.lookupUser;
    const auth = readAuthentication(ctx.req.node);
    const user = this.requireUser(ctx);
    const patronRef = { agency: this.isil, barcode: user.value };
    let patron: PatronView;
    try {
      if (auth.pin !== undefined) {
        const v = await this.rpc.call(PatronsVerifyPin, { ...patronRef, pin: auth.pin });
        if (!v.valid)
          throw problem(
            'User Authentication Failed',
            s,
            v.throttled ? 'too many wrong PINs; try later' : 'wrong PIN',
            'AuthenticationInput',
          );
        patron = v.patron;
      } else {
        patron = await this.rpc.call(PatronsGet, patronRef);
      }
    } catch (e) {
      this.refusal(e, s, { user: user.value });
    }
    const validTo = `${patron.cardExpiresOn}T15:59:59Z`;
    const status = patron.circulationBlocked ? 'Blocked' : 'Active';
    return [
      userIdEl({ agency: this.isil, type: 'Barcode', value: patron.barcode }),
      el('UserOptionalFields', [
        el('NameInformation', [el('PersonalNameInformation', [el('UnstructuredPersonalUserName', patron.name)])]),
        el('UserPrivilege', [
          el('AgencyId', this.isil),
          el('AgencyUserPrivilegeType', patron.patronType),
          el('ValidToDate', validTo),
          el('UserPrivilegeStatus', [el('UserPrivilegeStatusType', status)]),
        ]),
        ...[...patron.blocks, ...(patron.expired ? ['card_expired'] : [])].map((b) =>
          el('BlockOrTrap', [el('AgencyId', this.isil), el('BlockOrTrapType', b)]),
        ),
      ]),
    ];
  }

  // ---------------- LookupItem ----------------
  async lookupItem(ctx: HandlerContext): Promise<OutEl[]> {
    const s = ProblemSchemes.lookupItem;
    const rid = readRequestId(ctx.req.node);
    const i = readItemId(ctx.req.node) ?? (rid ? { value: rid.value, type: 'ILL Request Id' } : undefined);
    if (!i) throw problem('Needed Data Missing', ProblemSchemes.general, 'ItemId or RequestId is required', 'ItemId');
    const ref = await this.resolveItem(ctx, i, s);
    const item = await this.catalogItem(ref.agency, ref.barcode);
    if (!item) throw problem('Unknown Item', s, 'no such item', 'ItemId/ItemIdentifierValue', i.value);
    const loan =
      item.status === 'on_loan'
        ? await this.rpc.call(LoansItemLoan, { agency: item.agency, barcode: item.barcode })
        : null;
    return [
      itemIdEl({ agency: item.agency, type: 'Barcode', value: item.barcode }),
      el('ItemOptionalFields', [
        el('BibliographicDescription', [item.author ? el('Author', item.author) : null, el('Title', item.title)]),
        el('CirculationStatus', CIRCULATION_STATUS[item.status] ?? 'Not Available'),
        el(
          'ItemDescription',
          [el('CallNumber', item.clcCallNumber ?? item.shelfLocation ?? '')].filter((x) => x.text),
        ),
        loan ? el('DateDue', loan.dueAt) : null,
      ]),
    ];
  }

  // ---------------- CheckOutItem ----------------
  async checkOutItem(ctx: HandlerContext): Promise<OutEl[]> {
    const s = ProblemSchemes.checkOut;
    const user = this.requireUser(ctx);
    const itemId = this.requireItem(ctx);
    const ref = await this.resolveItem(ctx, itemId, s);
    const item = await this.catalogItem(ref.agency, ref.barcode);
    const patron = { agency: this.isil, barcode: user.value };
    let dueAt: string;
    if (item) {
      // ours (or a partner's item we accepted): a real loan, recorded with channel ncip
      try {
        const r = await this.rpc.call(LoansCheckout, {
          patron,
          item: { agency: item.agency, barcode: item.barcode },
          branch: this.branchFor(ctx.partner),
          channel: 'ncip',
          ...this.loansKey(ctx),
        });
        dueAt = r.loan.dueAt;
      } catch (e) {
        // a retry whose first answer was lost: the loan is already there, to the same patron → same answer
        if (e instanceof RemoteError && e.code === ErrorCode.ItemAlreadyOnLoan) {
          const loan = await this.rpc.call(LoansItemLoan, {
            agency: item.agency,
            barcode: item.barcode,
          });
          if (loan && loan.patron.agency === patron.agency && loan.patron.barcode === patron.barcode)
            dueAt = loan.dueAt;
          else this.refusal(e, s, { user: user.value, item: itemId.value });
        } else this.refusal(e, s, { user: user.value, item: itemId.value });
      }
    } else if (ref.agency === ctx.partner.isil) {
      // our reader borrowed the partner's own item at the partner: kept as a remote loan of our patron
      await this.rpc.call(PatronsGet, patron).catch((e) => this.refusal(e, s, { user: user.value }));
      const desired = readDate(ctx.req.node, 'DesiredDateDue');
      const due = desired ?? new Date(Date.now() + ctx.partner.agreement.loanDays * 86_400_000).toISOString();
      const rows = await this.db.query(
        `INSERT INTO federation.remote_loans (partner, patron_barcode, item_agency, item_barcode, due_at) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT (item_agency, item_barcode) WHERE returned_at IS NULL DO NOTHING RETURNING due_at`,
        [ctx.partner.isil, user.value, ref.agency, ref.barcode, due],
      );
      if (!rows.length) {
        const [open] = await this.db.query(
          `SELECT patron_barcode, due_at FROM federation.remote_loans WHERE item_agency = $1 AND item_barcode = $2 AND returned_at IS NULL`,
          [ref.agency, ref.barcode],
        );
        if (open.patron_barcode !== user.value)
          throw problem(
            'Resource Cannot Be Provided',
            s,
            'the item is on loan to another user',
            'ItemId',
            itemId.value,
          );
        dueAt = (open.due_at as Date).toISOString();
      } else dueAt = (rows[0].due_at as Date).toISOString();
    } else {
      throw problem('Unknown Item', s, 'no such item', 'ItemId/ItemIdentifierValue', itemId.value);
    }
    if (ref.request)
      await this.requests
        .transition(ref.request.id, 'loaned', ctx.actor, 'CheckOutItem', { dueAt })
        .catch(() => undefined);
    return [
      itemIdEl({ agency: ref.agency, type: itemId.type, value: itemId.value }),
      this.userEl(user),
      el('DateDue', dueAt),
    ];
  }

  // ---------------- CheckInItem ----------------
  async checkInItem(ctx: HandlerContext): Promise<OutEl[]> {
    const s = ProblemSchemes.checkIn;
    const itemId = this.requireItem(ctx);
    const ref = await this.resolveItem(ctx, itemId, s);
    const item = await this.catalogItem(ref.agency, ref.barcode);
    let user: AgencyRef | undefined;
    if (item) {
      let r: CheckinResult;
      try {
        r = await this.rpc.call(LoansCheckin, {
          item: { agency: item.agency, barcode: item.barcode },
          branch: this.branchFor(ctx.partner),
          channel: 'ncip',
          ...this.loansKey(ctx),
        });
      } catch (e) {
        this.refusal(e, s, { item: itemId.value });
      }
      if (!r.wasOnLoan)
        throw problem('Item Not Checked Out', s, 'the item is not on loan', 'ItemId/ItemIdentifierValue', itemId.value);
      if (r.loan) user = { agency: r.loan.patron.agency, value: r.loan.patron.barcode };
    } else {
      const rows = await this.db.query(
        `UPDATE federation.remote_loans SET returned_at = now() WHERE item_agency = $1 AND item_barcode = $2 AND returned_at IS NULL RETURNING patron_barcode`,
        [ref.agency, ref.barcode],
      );
      if (!rows[0].length)
        throw problem(
          ref.agency === ctx.partner.isil ? 'Item Not Checked Out' : 'Unknown Item',
          s,
          'the item is not on loan here',
          'ItemId/ItemIdentifierValue',
          itemId.value,
        );
      user = { agency: this.isil, value: rows[0][0].patron_barcode };
    }
    if (ref.request)
      await this.requests.transition(ref.request.id, 'returned', ctx.actor, 'CheckInItem').catch(() => undefined);
    return [
      itemIdEl({ agency: ref.agency, type: itemId.type, value: itemId.value }),
      user ? this.userEl(user) : null,
    ].filter((x): x is OutEl => !!x);
  }

  // ---------------- RenewItem ----------------
  async renewItem(ctx: HandlerContext): Promise<OutEl[]> {
    const s = ProblemSchemes.renew;
    const user = this.requireUser(ctx);
    const itemId = this.requireItem(ctx);
    const ref = await this.resolveItem(ctx, itemId, s);
    const item = await this.catalogItem(ref.agency, ref.barcode);
    let dueAt: string;
    let renewals: number;
    if (item) {
      // our copy lent to the partner library itself (interlibrary loan): the loan is the library patron's
      const loan = await this.rpc.call(LoansItemLoan, {
        agency: item.agency,
        barcode: item.barcode,
      });
      const libraryPatron = `ILL-${ctx.partner.isil}`.slice(0, 32);
      const patron = loan?.patron.barcode === libraryPatron ? loan.patron : { agency: this.isil, barcode: user.value };
      try {
        const r = await this.rpc.call(LoansRenew, {
          patron,
          item: { agency: item.agency, barcode: item.barcode },
          branch: this.branchFor(ctx.partner),
          channel: 'ncip',
          ...this.loansKey(ctx),
        });
        dueAt = r.loan.dueAt;
        renewals = r.loan.renewals;
      } catch (e) {
        this.refusal(e, s, { user: user.value, item: itemId.value });
      }
    } else {
      const [rows] = await this.db.query(
        `UPDATE federation.remote_loans SET due_at = due_at + make_interval(days => $4), renewals = renewals + 1
          WHERE item_agency = $1 AND item_barcode = $2 AND patron_barcode = $3 AND returned_at IS NULL RETURNING due_at, renewals`,
        [ref.agency, ref.barcode, user.value, ctx.partner.agreement.loanDays],
      );
      if (!rows.length)
        throw problem(
          'Item Not Checked Out',
          s,
          'the item is not on loan to that user',
          'ItemId/ItemIdentifierValue',
          itemId.value,
        );
      dueAt = (rows[0].due_at as Date).toISOString();
      renewals = rows[0].renewals;
    }
    return [
      itemIdEl({ agency: ref.agency, type: itemId.type, value: itemId.value }),
      this.userEl(user),
      el('DateDue', dueAt),
      el('RenewalCount', String(renewals)),
    ];
  }

  // ---------------- RequestItem (a partner asks for our copy: lending) ----------------
  async requestItem(ctx: HandlerContext): Promise<OutEl[]> {
    const s = ProblemSchemes.request;
    if (!ctx.partner.agreement.lendOurItems)
      throw problem(
        'User Ineligible To Request This Item',
        s,
        'our agreement does not lend our items to your library',
        'FromAgencyId',
        ctx.partner.isil,
      );
    const user = this.requireUser(ctx);
    const rid = readRequestId(ctx.req.node);
    const requestType = textAt(ctx.req.node, 'RequestType') ?? 'Loan';
    const scope = textAt(ctx.req.node, 'RequestScopeType') ?? 'Item';
    if (rid) {
      const existing = await this.requests.findByPartnerRef(ctx.partner.isil, 'lending', rid.value);
      if (existing) return this.requestItemAnswer(existing, rid, user, requestType, scope);
    }
    const itemId = readItemId(ctx.req.node);
    let target: { item?: { agency: string; barcode: string }; recordId?: string; title?: string };
    if (itemId) {
      const ref = await this.resolveItem(ctx, itemId, s);
      const item = await this.catalogItem(ref.agency, ref.barcode);
      if (!item || item.agency !== this.isil)
        throw problem('Unknown Item', s, 'no such item of ours', 'ItemId/ItemIdentifierValue', itemId.value);
      target = { item: { agency: item.agency, barcode: item.barcode }, recordId: item.recordId, title: item.title };
    } else {
      const bib = child(ctx.req.node, 'BibliographicId');
      const id =
        textAt(bib, 'BibliographicRecordId', 'BibliographicRecordIdentifier') ??
        textAt(bib, 'BibliographicItemId', 'BibliographicItemIdentifier');
      if (!id)
        throw problem(
          'Needed Data Missing',
          ProblemSchemes.general,
          'ItemId or BibliographicId is required',
          'BibliographicId',
        );
      const record = await this.findRecord(id);
      if (!record) throw problem('Unknown Item', s, 'no such title in our catalog', 'BibliographicId', id);
      target = { recordId: record.id, title: record.title };
    }
    // the partner library borrows as a library patron of ours (type partner_library), created on first use
    const libraryPatron = await this.ensureLibraryPatron(ctx.partner);
    let hold: HoldView;
    try {
      hold = await this.rpc.call(LoansHoldsPlace, {
        patron: libraryPatron,
        ...(target.item ? { item: target.item } : { recordId: target.recordId }),
        // picked up at our interlibrary desk, packed and shipped from there
        pickupBranch: this.env.NCIP_DEFAULT_BRANCH,
        placedBy: 'staff',
        channel: 'ncip',
      });
    } catch (e) {
      this.refusal(e, s, { user: user.value, item: itemId?.value });
    }
    const created = await this.requests.create(
      {
        direction: 'lending',
        partner: ctx.partner.isil,
        partnerRequestId: rid?.value ?? null,
        patron: { agency: ctx.partner.isil, barcode: user.value },
        item: target.item ?? null,
        recordId: target.recordId,
        title: target.title,
        holdId: hold.id,
      },
      ctx.actor,
      'RequestItem',
    );
    return this.requestItemAnswer(created, rid, user, requestType, scope);
  }

  private requestItemAnswer(
    r: IllRequestView,
    rid: AgencyRef | undefined,
    user: AgencyRef,
    requestType: string,
    scope: string,
  ): OutEl[] {
    return [
      requestIdEl(rid ?? { agency: this.isil, value: r.id }),
      r.item ? itemIdEl({ agency: r.item.agency, value: r.item.barcode }) : null,
      userIdEl({ agency: user.agency, value: user.value, type: user.type }),
      el('RequestType', requestType),
      el('RequestScopeType', scope),
    ].filter((x): x is OutEl => !!x);
  }

  private async findRecord(id: string): Promise<RecordView | null> {
    if (UUID.test(id)) {
      try {
        return await this.rpc.call(CatalogGetRecord, { id });
      } catch (e) {
        if (e instanceof RemoteError && (e.code === ErrorCode.NotFound || e.code === 'RECORD_NOT_FOUND')) return null;
        throw e;
      }
    }
    const isbn = id.replace(/-/g, '');
    if (!/^(97[89])?\d{9}[\dX]$/.test(isbn)) return null;
    const page = await this.rpc.call(CatalogSearchRecords, { isbn, limit: 1 });
    return page.items[0] ?? null;
  }

  private async ensureLibraryPatron(partner: Partner): Promise<{ agency: string; barcode: string }> {
    const ref = { agency: this.isil, barcode: `ILL-${partner.isil}`.slice(0, 32) };
    try {
      await this.rpc.call(PatronsGet, ref);
    } catch (e) {
      if (!(e instanceof RemoteError && e.code === ErrorCode.PatronUnknown)) throw e;
      await this.rpc
        .call(PatronsCreate, {
          ...ref,
          name: partner.name,
          patronType: 'partner_library',
          homeBranch: this.env.NCIP_DEFAULT_BRANCH,
          cardExpiresOn: '2099-12-31',
          pin: randomBytes(8).toString('hex'),
        })
        .catch((err) => {
          if (!(err instanceof RemoteError && err.code === ErrorCode.Conflict)) throw err;
        });
    }
    return ref;
  }

  // ---------------- CancelRequestItem ----------------
  async cancelRequestItem(ctx: HandlerContext): Promise<OutEl[]> {
    const s = ProblemSchemes.cancelRequest;
    const rid = readRequestId(ctx.req.node);
    const itemId = readItemId(ctx.req.node);
    let r: IllRequestView | null = null;
    if (rid)
      r =
        (await this.requests.findByPartnerRef(ctx.partner.isil, 'lending', rid.value)) ??
        (await this.requests.findByPartnerRef(ctx.partner.isil, 'borrowing', rid.value));
    else if (itemId) r = (await this.resolveItem(ctx, itemId, s)).request;
    if (!r)
      throw problem(
        'Unknown Request',
        s,
        'no such request',
        rid ? 'RequestId/RequestIdentifierValue' : 'ItemId',
        rid?.value ?? itemId?.value,
      );
    const u = readUserId(ctx.req.node);
    const user: AgencyRef =
      u ??
      (r.patron
        ? { agency: r.patron.agency ?? undefined, value: r.patron.barcode }
        : { value: readAuthentication(ctx.req.node).barcode ?? 'unknown' });
    if (r.state !== 'cancelled') {
      if (['shipped', 'loaned', 'returned', 'shipped_home', 'completed'].includes(r.state)) {
        throw problem('Request Already Processed', s, `the request is ${r.state}`, 'RequestId', rid?.value);
      }
      if (r.holdId) {
        await this.rpc.call(LoansHoldsCancel, { holdId: r.holdId, cancelledBy: 'staff' }).catch((e) => {
          if (!(
            e instanceof RemoteError &&
            (e.code === ErrorCode.HoldNotCancellable || e.code === ErrorCode.HoldNotFound)
          ))
            throw e;
        });
      }
      await this.requests.transition(r.id, 'cancelled', ctx.actor, 'CancelRequestItem');
    }
    return [rid ? requestIdEl(rid) : itemIdEl(itemId!), userIdEl(user)];
  }

  // ---------------- AcceptItem (a lender's item arrives for our reader: borrowing) ----------------
  async acceptItem(ctx: HandlerContext): Promise<OutEl[]> {
    const s = ProblemSchemes.accept;
    const rid = readRequestId(ctx.req.node);
    if (!rid) throw problem('Needed Data Missing', ProblemSchemes.general, 'RequestId is required', 'RequestId');
    const itemId = readItemId(ctx.req.node);
    const barcode = itemId?.value ?? `ILL-${rid.value}`.slice(0, 32);
    if (!BARCODE_PATTERN.test(barcode))
      throw problem(
        'Invalid Message Syntax Error',
        ProblemSchemes.general,
        'item barcode not usable',
        'ItemId/ItemIdentifierValue',
        barcode,
      );
    const owner = ctx.partner.isil;
    const bib = child(child(ctx.req.node, 'ItemOptionalFields'), 'BibliographicDescription');
    const title = textAt(bib, 'Title') ?? `ILL ${rid.value}`;
    const user = readUserId(ctx.req.node);
    let item = await this.catalogItem(owner, barcode);
    if (!item) {
      // a temporary copy owned by the partner's ISIL, shelved at our interlibrary desk; it and its stub
      // record are suppressed: readers never find them in search (staff do, by barcode)
      const record = await this.rpc.call(CatalogCreateRecord, {
        title: title.slice(0, 500),
        author: textAt(bib, 'Author')?.slice(0, 300),
        suppressed: true,
      });
      try {
        item = await this.rpc.call(CatalogCreateItem, {
          agency: owner,
          barcode,
          recordId: record.id,
          itemType: 'book',
          homeBranch: this.branchFor(ctx.partner),
          currentLocation: this.env.NCIP_DEFAULT_BRANCH,
          shelfLocation: 'ILL',
          status: 'in_processing',
          suppressed: true,
        });
      } catch (e) {
        this.refusal(e, s, { item: barcode });
      }
    }
    let r = UUID.test(rid.value) ? await this.requests.get(rid.value).catch(() => null) : null;
    r ??= await this.requests.findByPartnerRef(ctx.partner.isil, 'borrowing', rid.value);
    if (!r) {
      r = await this.requests.create(
        {
          direction: 'borrowing',
          partner: ctx.partner.isil,
          partnerRequestId: rid.value,
          patron: user ? { agency: this.isil, barcode: user.value } : null,
          item: { agency: owner, barcode },
          recordId: item.recordId,
          title,
        },
        ctx.actor,
        'AcceptItem for a request we had not recorded',
      );
    }
    const due = readDate(ctx.req.node, 'DateForReturn');
    const received = await this.requests.transition(r.id, 'received', ctx.actor, 'AcceptItem', {
      item: { agency: owner, barcode },
      dueAt: due ?? null,
      recordId: item.recordId,
    });
    // make it lendable and hold it for our reader at the pickup branch
    await this.rpc.call(CatalogUpdateItem, { agency: owner, barcode, status: 'available' });
    const patron = received.patron?.barcode ? { agency: this.isil, barcode: received.patron.barcode } : null;
    if (patron && !received.holdId) {
      const hold = await this.rpc
        .call(LoansHoldsPlace, {
          patron,
          item: { agency: owner, barcode },
          pickupBranch: this.env.NCIP_DEFAULT_BRANCH,
          placedBy: 'staff',
          channel: 'ncip',
        })
        .catch(() => null);
      if (hold) await this.requests.transition(r.id, 'received', ctx.actor, 'hold placed', { holdId: hold.id });
    }
    return [requestIdEl(rid), itemIdEl({ agency: owner, value: barcode })];
  }

  // ---------------- RecallItem (a lender wants its copy back from our reader) ----------------
  async recallItem(ctx: HandlerContext): Promise<OutEl[]> {
    const s = ProblemSchemes.recall;
    const itemId = this.requireItem(ctx);
    const ref = await this.resolveItem(ctx, itemId, s);
    // only the partner's own copies: their temporary copy here, or their item our reader borrowed there
    if (ref.agency !== ctx.partner.isil)
      throw problem('Unknown Item', s, 'no copy of yours with that id', 'ItemId/ItemIdentifierValue', itemId.value);
    const desired = readDate(ctx.req.node, 'DesiredDateDue');
    const recallDays = this.recallDays(ctx.partner, desired);
    const item = await this.catalogItem(ref.agency, ref.barcode);
    let dueAt: string | null = null;
    let user: AgencyRef | undefined;
    if (item) {
      // a repeated RecallItem (it has no RequestId) shortens nothing more and is not told twice
      const already = ref.request?.state === 'recalled';
      if (item.status === 'on_loan' && !already) {
        try {
          const r = await this.rpc.call(LoansRecall, {
            item: { agency: item.agency, barcode: item.barcode },
            recallDays,
            branch: this.branchFor(ctx.partner),
            channel: 'ncip',
          });
          dueAt = r.loan.dueAt;
          user = { agency: this.isil, value: r.loan.patron.barcode };
        } catch (e) {
          if (!(e instanceof RemoteError && e.code === ErrorCode.LoanNotFound))
            this.refusal(e, s, { item: itemId.value });
        }
      } else if (item.status === 'on_loan') {
        const loan = await this.rpc.call(LoansItemLoan, {
          agency: item.agency,
          barcode: item.barcode,
        });
        dueAt = loan?.dueAt ?? null;
        if (loan) user = { agency: this.isil, value: loan.patron.barcode };
      }
      if (!ref.request && !dueAt)
        throw problem('Unknown Item', s, 'that copy is not lent here', 'ItemId/ItemIdentifierValue', itemId.value);
    } else {
      // our reader borrowed it at the partner: our record of that loan follows the same rule
      const [rows] = await this.db.query(
        `UPDATE federation.remote_loans SET due_at = LEAST(due_at, now() + make_interval(days => $3))
          WHERE item_agency = $1 AND item_barcode = $2 AND returned_at IS NULL RETURNING due_at, patron_barcode`,
        [ref.agency, ref.barcode, recallDays],
      );
      if (!rows.length && !ref.request)
        throw problem(
          'Item Not Checked Out',
          s,
          'that copy is not on loan here',
          'ItemId/ItemIdentifierValue',
          itemId.value,
        );
      if (rows.length) {
        dueAt = (rows[0].due_at as Date).toISOString();
        user = { agency: this.isil, value: rows[0].patron_barcode };
      }
    }
    if (ref.request)
      await this.requests
        .transition(ref.request.id, 'recalled', ctx.actor, `RecallItem${desired ? ` (desired ${desired})` : ''}`, {
          dueAt,
        })
        .catch((e) => {
          // back already (returned, on its way home, completed): nothing here to recall
          if (e instanceof DomainError && e.code === ErrorCode.Conflict)
            throw problem('Item Not Checked Out', s, e.message, 'ItemId/ItemIdentifierValue', itemId.value);
          throw e;
        });
    return [
      itemIdEl({ agency: ref.agency, value: itemId.value }),
      user ? this.userEl(user) : null,
      dueAt ? el('DateDue', dueAt) : null,
    ].filter((x): x is OutEl => !!x);
  }

  /** The agreement's recall period, or more when the lender asks for its copy later than that. */
  private recallDays(partner: Partner, desired: string | undefined): number {
    const period = partner.agreement.recallDays;
    if (!desired) return period;
    const days = Math.ceil((new Date(desired).getTime() - Date.now()) / 86_400_000);
    return Math.min(365, Math.max(period, days));
  }

  // ---------------- DeleteItem ----------------
  async deleteItem(ctx: HandlerContext): Promise<OutEl[]> {
    const s = ProblemSchemes.delete;
    const itemId = this.requireItem(ctx);
    const ref = await this.resolveItem(ctx, itemId, s);
    // only the partner's own temporary copies may be deleted by the partner
    const item = ref.agency === ctx.partner.isil ? await this.catalogItem(ref.agency, ref.barcode) : null;
    if (!item)
      throw problem(
        'Unknown Item',
        s,
        'no temporary item of yours with that id',
        'ItemId/ItemIdentifierValue',
        itemId.value,
      );
    if (item.status === 'on_loan')
      throw problem('Item Not Checked In', s, 'the item is still on loan here', 'ItemId', itemId.value);
    if (item.status !== 'withdrawn')
      await this.rpc.call(CatalogUpdateItem, {
        agency: item.agency,
        barcode: item.barcode,
        status: 'withdrawn',
        loanable: false,
      });
    if (ref.request)
      await this.requests.transition(ref.request.id, 'completed', ctx.actor, 'DeleteItem').catch(() => undefined);
    return [itemIdEl({ agency: item.agency, value: itemId.value })];
  }
}
