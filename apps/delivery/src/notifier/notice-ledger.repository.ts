import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Notice } from './notice';

/**
 * The notices sent, one row per event (and per reference, where a notice has one). Recorded after the
 * send: a crash between the two may send one notice twice, never none.
 */
@Injectable()
export class NoticeLedger {
  constructor(private readonly ds: DataSource) {}

  /** Whether this event, or another event's notice with the same reference, was sent. */
  async sent(eventId: string, reference: string | null = null): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `SELECT 1 FROM delivery.notices WHERE event_id = $1 OR reference = $2 LIMIT 1`,
      [eventId, reference],
    );
    return rows.length > 0;
  }

  async record(notice: Notice, channel: string, reference: string | null = null): Promise<void> {
    await this.ds.query(
      `INSERT INTO delivery.notices (event_id, order_id, template, channel, recipient, reference)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [
        notice.eventId,
        notice.orderId,
        notice.template,
        channel,
        `${notice.patron.agency}/${notice.patron.barcode}`,
        reference,
      ],
    );
  }
}
