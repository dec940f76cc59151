import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OutboxService } from '@app/common';
import { DeliveryEventSubjects, DeliveryJobsReport, RunDeliveryJobsDto } from '@app/contracts';
import { DataSource } from 'typeorm';
import { CirculationClient } from '../clients/circulation.client';
import { DeliveryEnvDto } from '../config/delivery-env.dto';
import { OrderJournal } from '../orders/order-journal.service';
import { toEventData } from '../orders/order.mapper';
import { OrderRepository } from '../orders/order.repository';

const SYSTEM = { kind: 'system' as const, id: 'delivery-jobs' };
/** a placement still unfinished after this long was interrupted (crash between reserving and recording) */
const ABANDONED_AFTER_MS = 10 * 60_000;
const REQUEST_RETENTION_MS = 30 * 86_400_000;

/**
 * Scheduled work, safe with several replicas: each batch of parcels is claimed with FOR UPDATE SKIP
 * LOCKED, so two replicas never expire or remind the same parcel. Uncollected parcels expire (their books
 * stay in the compartment, which goes on the clearance list); readers are reminded the day before.
 */
@Injectable()
export class ParcelJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ParcelJobs.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly ds: DataSource,
    private readonly orders: OrderRepository,
    private readonly journal: OrderJournal,
    private readonly circulation: CirculationClient,
    private readonly outbox: OutboxService,
    private readonly env: DeliveryEnvDto,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.DELIVERY_JOB_INTERVAL_MS <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = true;
      this.run({})
        .catch((e: Error) => this.logger.error(`delivery jobs failed: ${e.message}`))
        .finally(() => (this.running = false));
    }, this.env.DELIVERY_JOB_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async run(dto: RunDeliveryJobsDto): Promise<DeliveryJobsReport> {
    const at = dto.at ? new Date(dto.at) : new Date();
    const report: DeliveryJobsReport = { expired: 0, reminded: 0, overdue: 0, abandoned: 0 };
    for (;;) {
      const n = await this.ds.transaction(async (m) => {
        const due = await this.orders.claimForJob(m, `status = 'in_locker' AND pickup_deadline <= $1`, [at]);
        for (const o of due) {
          o.status = 'expired';
          await this.orders.update(m, o.id, { status: 'expired', codeHash: null }, at);
          await this.journal.record(m, o, 'expired', SYSTEM, at, {
            detail: { compartment: o.compartment },
            event: DeliveryEventSubjects.parcelExpired,
          });
        }
        return due.length;
      });
      report.expired += n;
      if (n === 0) break;
    }
    const remindFrom = new Date(at.getTime() + this.env.DELIVERY_REMIND_HOURS_BEFORE * 3_600_000);
    for (;;) {
      const n = await this.ds.transaction(async (m) => {
        const soon = await this.orders.claimForJob(
          m,
          `status = 'in_locker' AND reminded_at IS NULL AND pickup_deadline <= $1 AND pickup_deadline > $2`,
          [remindFrom, at],
        );
        for (const o of soon) {
          await this.orders.update(m, o.id, { remindedAt: at }, o.updatedAt);
          await this.journal.record(m, o, 'reminded', SYSTEM, at, { event: DeliveryEventSubjects.parcelReminder });
        }
        return soon.length;
      });
      report.reminded += n;
      if (n === 0) break;
    }
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: this.env.LIBRARY_TIMEZONE }).format(at);
    for (;;) {
      const n = await this.ds.transaction(async (m) => {
        const ids = await this.orders.claimOverdue(m, today, at);
        for (const id of ids) {
          const o = (await this.orders.find(id, m))!;
          await this.orders.addTimeline(m, id, 'overdue', o.status, SYSTEM, at, {});
          const items = (await this.orders.items([id], m)).filter(
            (i) => i.state === 'loaned' && i.dueDate !== null && i.dueDate < today,
          );
          await this.outbox.add(
            m,
            DeliveryEventSubjects.loanOverdue,
            { ...toEventData(o, items, 'overdue'), dueDate: items[0]?.dueDate ?? null },
            at,
          );
        }
        return ids.length;
      });
      report.overdue += n;
      if (n === 0) break;
    }
    for (const id of await this.orders.staleTxPlacing(new Date(at.getTime() - ABANDONED_AFTER_MS))) {
      const items = await this.orders.items([id]);
      for (const i of items)
        if (i.holdId)
          await this.circulation.cancelHold({ holdId: i.holdId, cancelledBy: 'staff' }).catch(() => undefined);
      await this.orders.deleteOrder(id);
      report.abandoned++;
    }
    // request replies are needed for retries, which come within minutes; a month is plenty
    await this.ds.query(`DELETE FROM delivery.requests WHERE created_at < $1`, [
      new Date(at.getTime() - REQUEST_RETENTION_MS),
    ]);
    if (report.expired + report.reminded + report.overdue > 0) this.outbox.notifyCommitted();
    return report;
  }
}
