import { EVENT_STREAM } from '@app/contracts';
import { connect, DiscardPolicy, NatsConnection } from 'nats';
import { Client } from 'pg';
import { CompensatedKind, LoanRow } from './reconcile';

/** Reads the suite's state straight from PostgreSQL and JetStream: the truth the kiosks' log is checked against. */
export class SuiteChecks {
  private constructor(
    private readonly databaseUrl: string,
    private readonly nc: NatsConnection,
  ) {}

  static async open(databaseUrl: string, natsUrl: string): Promise<SuiteChecks> {
    const nc = await connect({
      servers: natsUrl.split(','),
      name: 'chaos-checks',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    return new SuiteChecks(databaseUrl, nc);
  }

  async close(): Promise<void> {
    await this.nc.close().catch(() => undefined);
  }

  /** A short-lived connection per query: PostgreSQL itself is among the things killed. */
  private async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({
      connectionString: this.databaseUrl,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 30_000,
    });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  async loans(barcodePrefix: string): Promise<LoanRow[]> {
    const rows = await this.query<{ id: string; item: string; patron: string; co: string; ret: string | null }>(
      `SELECT id, item_barcode AS item, patron_barcode AS patron,
              (extract(epoch FROM checked_out_at) * 1000)::float8 AS co, (extract(epoch FROM returned_at) * 1000)::float8 AS ret
       FROM loans.loans WHERE item_barcode LIKE $1`,
      [`${barcodePrefix}%`],
    );
    return rows.map((r) => ({
      id: r.id,
      item: r.item,
      patron: r.patron,
      checkedOutAt: Number(r.co),
      returnedAt: r.ret === null ? null : Number(r.ret),
    }));
  }

  /**
   * Writes a terminal was refused after they had committed, made good by the loans service
   * (`abandoned_after_commit` on the staff exceptions list: a checkout undone, another write listed):
   * loan id → the kind of write.
   */
  async compensations(barcodePrefix: string): Promise<Map<string, CompensatedKind>> {
    const rows = await this.query<{ loan: string; kind: CompensatedKind }>(
      `SELECT loan_id AS loan, kind FROM loans.circulation_exceptions
       WHERE reason = 'abandoned_after_commit' AND loan_id IS NOT NULL AND item_barcode LIKE $1`,
      [`${barcodePrefix}%`],
    );
    return new Map(rows.map((r) => [r.loan, r.kind]));
  }

  /** Items whose catalog status disagrees with loans (on_loan ⇔ an open loan; all chaos checkins are at home, so otherwise available). */
  async catalogMismatches(barcodePrefix: string): Promise<string[]> {
    const rows = await this.query<{ barcode: string; status: string; open: boolean }>(
      `SELECT i.barcode, i.status, (l.id IS NOT NULL) AS open
       FROM catalog.items i
       LEFT JOIN loans.loans l ON l.item_agency = i.agency AND l.item_barcode = i.barcode AND l.returned_at IS NULL
       WHERE i.barcode LIKE $1 AND (CASE WHEN l.id IS NULL THEN i.status <> 'available' ELSE i.status <> 'on_loan' END)`,
      [`${barcodePrefix}%`],
    );
    return rows.map((r) => `${r.barcode}: catalog ${r.status}, loans ${r.open ? 'open loan' : 'no open loan'}`);
  }

  /** Unrelayed outbox rows per schema, and all rows ever written (none are pruned within a run). */
  async outboxes(): Promise<{ pending: Record<string, number>; total: number }> {
    const schemas = await this.query<{ s: string }>(
      `SELECT table_schema AS s FROM information_schema.tables WHERE table_name = 'outbox' ORDER BY 1`,
    );
    const pending: Record<string, number> = {};
    let total = 0;
    for (const { s } of schemas) {
      const [r] = await this.query<{ pending: string; total: string }>(
        `SELECT count(*) FILTER (WHERE published_at IS NULL) AS pending, count(*) AS total FROM "${s.replace(/"/g, '""')}".outbox`,
      );
      pending[s] = Number(r.pending);
      total += Number(r.total);
    }
    return { pending, total };
  }

  /** Events in the stream, and what each durable consumer has not yet had acked. */
  async stream(): Promise<{ messages: number; firstSeq: number; replicas: number; consumers: Record<string, number> }> {
    const jsm = await this.nc.jetstreamManager({ timeout: 5_000 });
    const info = await jsm.streams.info(EVENT_STREAM);
    const consumers: Record<string, number> = {};
    for await (const c of jsm.consumers.list(EVENT_STREAM)) consumers[c.name] = c.num_pending + c.num_ack_pending;
    return {
      messages: info.state.messages,
      firstSeq: info.state.first_seq,
      replicas: info.config.num_replicas,
      consumers,
    };
  }

  /** Outbox rows whose event is not in the stream (by `Nats-Msg-Id`), and event ids in the stream twice. */
  async missingEvents(): Promise<{ missing: string[]; duplicates: string[] }> {
    const js = this.nc.jetstream();
    const jsm = await this.nc.jetstreamManager({ timeout: 5_000 });
    const last = (await jsm.streams.info(EVENT_STREAM)).state.last_seq;
    const seen = new Map<string, number>();
    const consumer = await js.consumers.get(EVENT_STREAM); // ordered, ephemeral
    const deadline = Date.now() + 60_000;
    for (let seq = 0; seq < last && Date.now() < deadline;) {
      const batch = await consumer.fetch({ max_messages: 500, expires: 5_000 });
      let n = 0;
      for await (const m of batch) {
        n++;
        seq = m.seq;
        const id = m.headers?.get('Nats-Msg-Id') ?? '';
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      if (n === 0) break;
    }
    const schemas = await this.query<{ s: string }>(
      `SELECT table_schema AS s FROM information_schema.tables WHERE table_name = 'outbox' ORDER BY 1`,
    );
    const missing: string[] = [];
    for (const { s } of schemas) {
      const rows = await this.query<{
        id: string;
        subject: string;
        occurred_at: Date;
        published_at: Date | null;
        attempts: number;
      }>(
        `SELECT id, subject, occurred_at, published_at, attempts FROM "${s.replace(/"/g, '""')}".outbox ORDER BY occurred_at`,
      );
      for (const r of rows) {
        if (!seen.has(r.id)) {
          missing.push(
            `${s} ${r.id} ${r.subject} occurred ${r.occurred_at.toISOString()} published ${r.published_at?.toISOString() ?? '-'} attempts ${r.attempts}`,
          );
        }
      }
    }
    return { missing, duplicates: [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`) };
  }

  /**
   * "Fills the disk" of the NATS store safely: the event stream is limited to what it holds plus
   * `headroomBytes`, refusing new events (discard new), as a full store would. Returns the undo.
   *
   * nats-server removes the oldest messages when an update sets `max_bytes` below the stream's size,
   * whatever the discard policy (filestore `enforceBytesLimit`). Events relayed between reading the size
   * and the update would push it over, and the fault would delete the first events of the run (seen:
   * the chaos seeding's item-created events). So new events are first refused by a 1-byte message-size
   * limit (which removes nothing), the size is read once it stops moving, and only then is the byte limit
   * set; a moved first sequence means events were removed anyway, and the run fails loudly.
   */
  async fillStream(headroomBytes: number, stream = EVENT_STREAM): Promise<() => Promise<void>> {
    const jsm = await this.nc.jetstreamManager({ timeout: 5_000 });
    const before = await jsm.streams.info(stream);
    const original = before.config;
    await jsm.streams.update(stream, { ...original, max_msg_size: 1 });
    // publishes the leader accepted before the update may still be applied: wait for last_seq to settle
    let state = (await jsm.streams.info(stream)).state;
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const next = (await jsm.streams.info(stream)).state;
      const settled = next.last_seq === state.last_seq && next.bytes === state.bytes;
      state = next;
      if (settled) break;
    }
    await jsm.streams.update(stream, {
      ...original,
      max_bytes: state.bytes + headroomBytes,
      discard: DiscardPolicy.New,
    });
    const after = (await jsm.streams.info(stream)).state;
    const undo = async () => {
      await jsm.streams.update(stream, { ...original });
    };
    if (after.first_seq !== before.state.first_seq) {
      await undo();
      throw new Error(
        `the full-store fault removed events ${before.state.first_seq}..${after.first_seq - 1} from the stream`,
      );
    }
    return undo;
  }
}
