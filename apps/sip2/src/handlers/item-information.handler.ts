import { ErrorCode, ItemView } from '@app/contracts';
import { createMessage } from '@app/sip2-protocol';
import { errorCodeOf } from '../backend/circulation-backend';
import {
  circulationStatus,
  CirculationStatus,
  FEE_TYPE_OTHER,
  mediaType,
  SECURITY_MARKER_OTHER,
} from '../mapping/item-status';
import { copySetAside } from '../mapping/holds';
import { agencyFor, cleanBarcode, optional, say, sipDate, txDate } from './handler-helpers';
import { defineHandler, Sip2Handler } from './sip2-handler';

/** Holds read per 18: enough to find the one the copy is set aside for (CF is the page's total). */
const QUEUE_PAGE = 50;

/**
 * 17 Item Information → 18: the catalog item, then its open loan and the copy's hold queue in parallel.
 * Status 08/10 come from the holds (authoritative) before the catalog's mirror; CF = active holds on
 * the copy and its title; CM = pickup deadline while it waits on the hold shelf.
 */
export const itemInformationHandler: Sip2Handler<'17'> = defineHandler({
  code: '17',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const barcode = cleanBarcode(req.fields.itemIdentifier);
    if (!barcode)
      return {
        response: itemInformationHandler.refuse(req, ctx, ErrorCode.ItemUnknown),
        outcome: ErrorCode.ItemUnknown,
      };
    const ref = { agency, barcode };
    // the item first: an unknown barcode costs one request, and the queue look-up gets its record
    const item = await ctx.backend.getItem(ref).catch((err: unknown) => {
      if (errorCodeOf(err) === ErrorCode.ItemUnknown || errorCodeOf(err) === ErrorCode.NotFound) return null;
      throw err;
    });
    if (!item)
      return {
        response: itemInformationHandler.refuse(req, ctx, ErrorCode.ItemUnknown),
        outcome: ErrorCode.ItemUnknown,
      };
    const [loan, queue] = await Promise.all([
      ctx.backend.itemLoan(ref),
      optional(ctx.holds.itemQueue(ref, QUEUE_PAGE, item.recordId ?? undefined)),
    ]);
    const aside = queue ? copySetAside(queue.items, barcode) : undefined;
    const pickupBy = aside?.status === 'ready' && aside.pickupDeadline ? sipDate(aside.pickupDeadline, ctx) : undefined;
    return {
      response: createMessage(
        '18',
        {
          circulationStatus: circulationStatus(item, loan, aside?.status as 'ready' | 'in_transit' | undefined),
          securityMarker: SECURITY_MARKER_OTHER,
          feeType: FEE_TYPE_OTHER,
          transactionDate: txDate(ctx),
        },
        {
          itemIdentifier: req.fields.itemIdentifier ?? '',
          titleIdentifier: item.title,
          ...(queue !== undefined ? { holdQueueLength: String(queue.total) } : {}),
          ...(loan ? { dueDate: sipDate(loan.dueAt, ctx) } : {}),
          ...(pickupBy ? { holdPickupDate: pickupBy } : {}),
          owner: item.agency,
          mediaType: mediaType(item.itemType),
          permanentLocation: item.homeBranch,
          currentLocation: item.currentLocation,
          ...callNumber(item),
        },
      ),
      outcome: 'ok',
    };
  },
  refuse(req, ctx, reason) {
    // Evergreen's answer for an unknown item: 18 01 01 01 <date> AB<echo>|AJ|
    return createMessage(
      '18',
      {
        circulationStatus: CirculationStatus.other,
        securityMarker: '01',
        feeType: FEE_TYPE_OTHER,
        transactionDate: txDate(ctx),
      },
      { itemIdentifier: req.fields.itemIdentifier ?? '', titleIdentifier: '', screenMessage: [say(ctx, reason)] },
    );
  },
});

/** CS call number (3M extension): the CLC call number, when catalogued. */
const callNumber = (item: ItemView) => (item.clcCallNumber ? { callNumber: item.clcCallNumber } : {});
