import { TxRecord } from './transaction-log';

/** The kind of write an `abandoned_after_commit` exception names. */
export type CompensatedKind = 'checkout' | 'checkin' | 'renew';

/** A loan row as the loans schema has it (times in ms since the epoch). */
export interface LoanRow {
  id: string;
  item: string;
  patron: string;
  checkedOutAt: number;
  returnedAt: number | null;
}

export interface PhaseFindings {
  acked: number;
  refused: number;
  unanswered: number;
  /** acked transactions the database does not have */
  lost: number;
  /** acked transactions the database has more than once, or rows no transaction explains */
  duplicated: number;
  /** refused transactions the database has anyway */
  refusedButCommitted: number;
  /**
   * refused transactions that had committed and that the loans service made good afterwards, as the
   * refusal obliges it to (a checkout undone; a checkin on the staff exceptions list): docs/reliability.md
   */
  refusedCompensated: number;
  /** unanswered transactions that were committed (the kiosk could not know; not an error by itself) */
  unansweredCommitted: number;
  /** a few examples, for the report */
  examples: string[];
}

export const emptyFindings = (): PhaseFindings => ({
  acked: 0,
  refused: 0,
  unanswered: 0,
  lost: 0,
  duplicated: 0,
  refusedButCommitted: 0,
  refusedCompensated: 0,
  unansweredCommitted: 0,
  examples: [],
});

/**
 * Same machine, same clock: PostgreSQL's now() of the committing transaction lies between the
 * kiosk's send and its answer. A little slack for rounding (PostgreSQL keeps microseconds).
 */
const SLACK_MS = 5;

/**
 * Matches the kiosks' log against the loans table, item by item. Each item is driven by one driver
 * at a time, so its transactions are sequential: a loan row belongs to the last checkout sent before
 * it was created, and its return to the last checkin sent before it was returned. Then:
 * - an acked checkout must own exactly one loan row (none: lost; more: duplicated);
 * - an acked checkin that closed a loan must own exactly one return;
 * - a refused transaction must own nothing (else refused-but-committed);
 * - a row or return no transaction explains is counted as duplicated.
 * Findings are counted in the phase of the transaction.
 */
export function reconcile(
  log: TxRecord[],
  loans: LoanRow[],
  items: Set<string>,
  compensated: Map<string, CompensatedKind> = new Map(),
): Map<string, PhaseFindings> {
  const byPhase = new Map<string, PhaseFindings>();
  const f = (phase: string) => {
    let v = byPhase.get(phase);
    if (!v) byPhase.set(phase, (v = emptyFindings()));
    return v;
  };
  const example = (phase: string, text: string) => {
    const ex = f(phase).examples;
    if (ex.length < 5) ex.push(text);
  };
  for (const r of log) f(r.phase)[r.outcome]++;

  const txByItem = groupBy(log, (r) => r.item);
  const loansByItem = groupBy(
    loans.filter((l) => items.has(l.item)),
    (l) => l.item,
  );
  for (const item of items) {
    const txs = (txByItem.get(item) ?? []).slice().sort((a, b) => a.sentAt - b.sentAt);
    const rows = loansByItem.get(item) ?? [];
    const owners = new Map<TxRecord, number>();
    const ownedRows = new Map<TxRecord, LoanRow[]>();
    const own = (kind: TxRecord['kind'], at: number, what: string, row: LoanRow): void => {
      let owner: TxRecord | undefined;
      for (const t of txs) {
        if (t.sentAt - SLACK_MS > at) break;
        if (t.kind === kind) owner = t;
      }
      if (!owner) {
        const phase = txs[0]?.phase ?? 'baseline';
        f(phase).duplicated++;
        example(phase, `${what} of ${item} at ${new Date(at).toISOString()} matches no ${kind} sent before it`);
        return;
      }
      owners.set(owner, (owners.get(owner) ?? 0) + 1);
      ownedRows.set(owner, [...(ownedRows.get(owner) ?? []), row]);
    };
    for (const row of rows) {
      own('checkout', row.checkedOutAt, 'loan', row);
      // an undone checkout's return is the loans service's, not a driver's checkin
      if (row.returnedAt !== null && compensated.get(row.id) !== 'checkout')
        own('checkin', row.returnedAt, 'return', row);
    }
    const madeGood = (t: TxRecord): boolean =>
      (ownedRows.get(t) ?? []).every((row) => compensated.get(row.id) === t.kind);
    for (const t of txs) {
      const n = owners.get(t) ?? 0;
      const expectOne = t.outcome === 'acked' && (t.kind === 'checkout' || t.closedLoan === true);
      if (expectOne && n === 0) {
        f(t.phase).lost++;
        example(
          t.phase,
          `acked ${t.kind} of ${item} by ${t.driver} at ${new Date(t.sentAt).toISOString()} is not in the database`,
        );
      } else if (n > 1) {
        f(t.phase).duplicated += n - 1;
        example(
          t.phase,
          `${t.kind} of ${item} by ${t.driver} at ${new Date(t.sentAt).toISOString()} is in the database ${n} times`,
        );
      } else if (t.outcome === 'refused' && n > 0 && madeGood(t)) {
        f(t.phase).refusedCompensated++;
        example(
          t.phase,
          `refused ${t.kind} of ${item} by ${t.driver} at ${new Date(t.sentAt).toISOString()} had committed; made good (${t.kind === 'checkout' ? 'undone' : 'on the exceptions list'})`,
        );
      } else if (t.outcome === 'refused' && n > 0) {
        f(t.phase).refusedButCommitted++;
        example(
          t.phase,
          `refused ${t.kind} of ${item} by ${t.driver} at ${new Date(t.sentAt).toISOString()} (${t.detail ?? ''}) was committed`,
        );
      } else if (t.outcome === 'unanswered' && n > 0) {
        f(t.phase).unansweredCommitted++;
      }
    }
  }
  return byPhase;
}

function groupBy<T>(list: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of list) {
    const k = key(x);
    const arr = m.get(k);
    if (arr) arr.push(x);
    else m.set(k, [x]);
  }
  return m;
}
