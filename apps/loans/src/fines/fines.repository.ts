import { Injectable } from '@nestjs/common';
import type { FineKind, FineStatus, PaymentType } from '@app/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { lockPatronStatement } from '../shared/loan.repository';

export interface FineRow {
  id: string;
  patronAgency: string;
  patronBarcode: string;
  loanId: string | null;
  itemAgency: string | null;
  itemBarcode: string | null;
  title: string | null;
  kind: FineKind;
  status: FineStatus;
  amountFen: number;
  paidFen: number;
  waivedFen: number;
  chargeableDays: number | null;
  blockThresholdFen: number | null;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

export type NewFine = Pick<
  FineRow,
  | 'id'
  | 'patronAgency'
  | 'patronBarcode'
  | 'loanId'
  | 'itemAgency'
  | 'itemBarcode'
  | 'title'
  | 'kind'
  | 'amountFen'
  | 'chargeableDays'
  | 'blockThresholdFen'
  | 'note'
>;

export interface FineTransactionRow {
  id: string;
  fineId: string;
  patronAgency: string;
  patronBarcode: string;
  kind: 'payment' | 'waiver';
  amountFen: number;
  paymentType: PaymentType | null;
  transactionId: string | null;
  branch: string | null;
  channel: string | null;
  actor: string | null;
  note: string | null;
}

/** What a patron owes and the lowest 'fines' block threshold among the fines they owe on. */
export interface FineBalance {
  outstandingFen: number;
  thresholdFen: number | null;
}

const FINE_COLUMNS = `id, patron_agency AS "patronAgency", patron_barcode AS "patronBarcode", loan_id AS "loanId",
  item_agency AS "itemAgency", item_barcode AS "itemBarcode", title, kind, status, amount_fen AS "amountFen", paid_fen AS "paidFen",
  waived_fen AS "waivedFen", chargeable_days AS "chargeableDays", block_threshold_fen AS "blockThresholdFen", note,
  created_at AS "createdAt", updated_at AS "updatedAt", closed_at AS "closedAt"`;

@Injectable()
export class FinesRepository {
  constructor(private readonly db: DataSource) {}

  /** Insert unless the loan already has a fine of this kind (fines_loan_kind_key): a retried checkin charges once. */
  async insert(m: EntityManager, f: NewFine, at: Date): Promise<FineRow | null> {
    const rows = await m.query(
      `INSERT INTO loans.fines (id, patron_agency, patron_barcode, loan_id, item_agency, item_barcode, title, kind, amount_fen,
         chargeable_days, block_threshold_fen, note, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
       ON CONFLICT (loan_id, kind) WHERE loan_id IS NOT NULL DO NOTHING
       RETURNING ${FINE_COLUMNS}`,
      [
        f.id,
        f.patronAgency,
        f.patronBarcode,
        f.loanId,
        f.itemAgency,
        f.itemBarcode,
        f.title,
        f.kind,
        f.amountFen,
        f.chargeableDays,
        f.blockThresholdFen,
        f.note,
        at,
      ],
    );
    return rows[0] ?? null;
  }

  /** One index-only pass over fines_open_patron_idx. */
  async balance(agency: string, barcode: string, m?: EntityManager): Promise<FineBalance> {
    const [row] = await (m ?? this.db).query(
      `SELECT COALESCE(sum(amount_fen - paid_fen - waived_fen), 0)::int AS "outstandingFen", min(block_threshold_fen)::int AS "thresholdFen"
       FROM loans.fines WHERE patron_agency = $1 AND patron_barcode = $2 AND status = 'open'`,
      [agency, barcode],
    );
    return row;
  }

  async list(
    agency: string,
    barcode: string,
    status: 'open' | 'closed' | 'all',
    limit: number,
    offset: number,
  ): Promise<[FineRow[], number]> {
    const filter = status === 'open' ? `AND status = 'open'` : status === 'closed' ? `AND status <> 'open'` : '';
    const [rows, [count]] = await Promise.all([
      this.db.query(
        `SELECT ${FINE_COLUMNS} FROM loans.fines WHERE patron_agency = $1 AND patron_barcode = $2 ${filter}
         ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`,
        [agency, barcode, limit, offset],
      ),
      this.db.query(
        `SELECT count(*)::int AS n FROM loans.fines WHERE patron_agency = $1 AND patron_barcode = $2 ${filter}`,
        [agency, barcode],
      ),
    ]);
    return [rows, count.n];
  }

  /** The patron's open fines, oldest first, locked for a payment (or just `fineId`). */
  lockOpen(m: EntityManager, agency: string, barcode: string, fineId?: string): Promise<FineRow[]> {
    return m.query(
      `SELECT ${FINE_COLUMNS} FROM loans.fines
       WHERE patron_agency = $1 AND patron_barcode = $2 AND status = 'open' AND ($3::uuid IS NULL OR id = $3)
       ORDER BY created_at, id FOR UPDATE`,
      [agency, barcode, fineId ?? null],
    );
  }

  async find(id: string, m?: EntityManager, lock = false): Promise<FineRow | null> {
    const rows = await (m ?? this.db).query(
      `SELECT ${FINE_COLUMNS} FROM loans.fines WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  async findForLoan(m: EntityManager, loanId: string, kind: FineKind): Promise<FineRow | null> {
    const rows = await m.query(`SELECT ${FINE_COLUMNS} FROM loans.fines WHERE loan_id = $1 AND kind = $2 FOR UPDATE`, [
      loanId,
      kind,
    ]);
    return rows[0] ?? null;
  }

  /** Add a payment or waiver to a fine; the status follows (settled by any payment: paid, by waivers only: waived). */
  async settle(m: EntityManager, id: string, paidFen: number, waivedFen: number, at: Date): Promise<FineRow> {
    const [rows] = await m.query(
      `UPDATE loans.fines SET paid_fen = paid_fen + $2::int, waived_fen = waived_fen + $3::int, updated_at = $4::timestamptz,
         status = CASE WHEN paid_fen + $2::int + waived_fen + $3::int < amount_fen THEN 'open' WHEN paid_fen + $2::int > 0 THEN 'paid' ELSE 'waived' END,
         closed_at = CASE WHEN paid_fen + $2::int + waived_fen + $3::int < amount_fen THEN NULL ELSE $4::timestamptz END
       WHERE id = $1 RETURNING ${FINE_COLUMNS}`,
      [id, paidFen, waivedFen, at],
    );
    return rows[0];
  }

  async insertTransaction(m: EntityManager, t: FineTransactionRow, at: Date): Promise<void> {
    await m.query(
      `INSERT INTO loans.fine_transactions (id, fine_id, patron_agency, patron_barcode, kind, amount_fen, payment_type, transaction_id,
         branch, channel, actor, note, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        t.id,
        t.fineId,
        t.patronAgency,
        t.patronBarcode,
        t.kind,
        t.amountFen,
        t.paymentType,
        t.transactionId,
        t.branch,
        t.channel,
        t.actor,
        t.note,
        at,
      ],
    );
  }

  /** An earlier payment with this transaction id (fine_transactions_txid_idx), for an idempotent replay. */
  paymentsWithTransactionId(
    m: EntityManager,
    agency: string,
    barcode: string,
    transactionId: string,
  ): Promise<(FineTransactionRow & { status: FineStatus; outstandingFen: number })[]> {
    return m.query(
      `SELECT t.id, t.fine_id AS "fineId", t.amount_fen AS "amountFen", t.transaction_id AS "transactionId", f.status,
              (f.amount_fen - f.paid_fen - f.waived_fen)::int AS "outstandingFen"
       FROM loans.fine_transactions t JOIN loans.fines f ON f.id = t.fine_id
       WHERE t.patron_agency = $1 AND t.patron_barcode = $2 AND t.transaction_id = $3 AND t.kind = 'payment'
       ORDER BY t.created_at, t.id`,
      [agency, barcode, transactionId],
    );
  }

  /** Serialise money movements of one patron (the checkouts' patron lock: lockPatronStatement). */
  async lockPatron(m: EntityManager, agency: string, barcode: string): Promise<void> {
    await m.query(...lockPatronStatement(agency, barcode));
  }
}
