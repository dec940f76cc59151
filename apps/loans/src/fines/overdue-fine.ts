import { OpeningCalendar, openDaysBetween } from '../calendar/opening-calendar';

export interface FineTerms {
  finePerDayFen: number;
  /** 0: uncapped */
  fineCapFen: number;
  graceDays: number;
}

export interface OverdueFine {
  /** open days of the calendar after the due day, through the day the fine stops */
  chargeableDays: number;
  amountFen: number;
}

/**
 * The overdue fine of one loan, in integer fen.
 *
 *   chargeable days = open days d of `cal` with dueDate < d <= stopDate (closed days, holidays and
 *                     closures are never fined)
 *   within grace    = chargeable days <= graceDays → no fine at all
 *   otherwise       = every chargeable day × finePerDayFen, at most fineCapFen (when set)
 *
 * `stopDate` is the local day of the return, or of the claimed-returned / lost report if earlier.
 */
export function overdueFine(terms: FineTerms, dueDate: string, stopDate: string, cal: OpeningCalendar): OverdueFine {
  if (stopDate <= dueDate) return { chargeableDays: 0, amountFen: 0 };
  const chargeableDays = openDaysBetween(cal, dueDate, stopDate);
  if (chargeableDays <= terms.graceDays || terms.finePerDayFen <= 0) return { chargeableDays, amountFen: 0 };
  const raw = chargeableDays * terms.finePerDayFen;
  return { chargeableDays, amountFen: terms.fineCapFen > 0 ? Math.min(raw, terms.fineCapFen) : raw };
}
