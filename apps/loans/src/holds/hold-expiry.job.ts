import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OutboxService } from '@app/common';
import { HoldExpired, HoldExpiryReport } from '@app/contracts';
import { DataSource } from 'typeorm';
import { LoansEnvDto } from '../config/loans-env.dto';
import { localDate } from '@app/time';
import { toHoldEventData } from './hold.mapper';
import { HoldReleaseService } from './hold-release.service';
import { HoldRepository } from './hold.repository';

const BATCH = 200;

/**
 * Expires holds: waiting ones past their not-needed-after date, and ready ones not collected by their
 * pickup deadline (their copy goes to the next hold in the queue). Every replica runs it; rows are
 * claimed with SKIP LOCKED and items with a try-lock, so replicas never process the same hold.
 */
@Injectable()
export class HoldExpiryJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HoldExpiryJob.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<HoldExpiryReport>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly holds: HoldRepository,
    private readonly release: HoldReleaseService,
    private readonly outbox: OutboxService,
    private readonly env: LoansEnvDto,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.env.HOLD_EXPIRY_INTERVAL_MS;
    if (every <= 0) return;
    this.timer = setInterval(() => {
      this.run().catch((err) => this.logger.warn(`hold expiry: ${(err as Error).message}`));
    }, every);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass; a pass already running in this replica is joined rather than doubled. */
  run(now = new Date()): Promise<HoldExpiryReport> {
    this.running ??= this.pass(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(now: Date): Promise<HoldExpiryReport> {
    const tz = this.env.LIBRARY_TIMEZONE;
    const report: HoldExpiryReport = { notNeededExpired: 0, pickupExpired: 0, reassigned: 0 };

    for (;;) {
      const n = await this.dataSource.transaction(async (m) => {
        const rows = await this.holds.claimNotNeeded(m, localDate(now, tz), BATCH);
        for (const h of rows) {
          await this.holds.end(m, h.id, 'expired', 'not_needed_after', now, false);
          Object.assign(h, { status: 'expired', endReason: 'not_needed_after', endedAt: now });
          await this.outbox.add(m, HoldExpired, toHoldEventData(h, tz), now);
        }
        return rows.length;
      });
      report.notNeededExpired += n;
      if (n < BATCH) break;
    }

    for (const c of await this.holds.pickupExpiredCandidates(now, BATCH)) {
      const outcome = await this.dataSource.transaction(async (m) => {
        // item first (same order as a checkin of it); busy: another replica or a desk has it now
        if (!(await this.holds.tryLockItem(m, { agency: c.trappedItemAgency!, barcode: c.trappedItemBarcode! })))
          return null;
        const h = await this.holds.findById(c.id, m, true);
        if (!h || h.status !== 'ready' || !h.pickupDeadline || h.pickupDeadline.getTime() >= now.getTime()) return null;
        await this.holds.end(m, h.id, 'expired', 'pickup_expired', now, true);
        Object.assign(h, { status: 'expired', endReason: 'pickup_expired', endedAt: now });
        await this.outbox.add(m, HoldExpired, toHoldEventData(h, tz), now);
        const routing = await this.release.release(m, h, now);
        return routing.hold ? 'reassigned' : 'released';
      });
      if (outcome) report.pickupExpired++;
      if (outcome === 'reassigned') report.reassigned++;
    }
    if (report.notNeededExpired + report.pickupExpired > 0) {
      this.outbox.notifyCommitted();
      this.logger.log(`hold expiry: ${JSON.stringify(report)}`);
    }
    return report;
  }
}
