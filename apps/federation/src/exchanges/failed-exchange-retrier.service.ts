import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { FederationEnvDto } from '../config/federation-env.dto';
import { NcipClientService } from '../ncip/ncip-client.service';
import { PartnerRegistryService } from '../partners/partner-registry.service';
import { ExchangeLogService } from './exchange-log.service';

const BATCH = 20;

export interface RetryRound {
  resolved: number;
  again: number;
  toPerson: number;
}

/**
 * Sends failed outgoing exchanges again by themselves: every NCIP_RETRY_INTERVAL_MS the due ones are
 * claimed and re-sent as they were written (safe: the partner keys writes on our RequestIds, and the
 * other queued messages — CheckInItem, DeleteItem, CancelRequestItem, RecallItem — change nothing when
 * repeated). Accepted: resolved by `auto-retry`. Refused by the partner, or still silent after
 * NCIP_RETRY_MAX_ATTEMPTS: left for a person in the failed-exchange queue.
 */
@Injectable()
export class FailedExchangeRetrierService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FailedExchangeRetrierService.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<RetryRound> | null = null;

  constructor(
    private readonly env: FederationEnvDto,
    private readonly exchanges: ExchangeLogService,
    private readonly partners: PartnerRegistryService,
    private readonly client: NcipClientService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.NCIP_RETRY_INTERVAL_MS <= 0) return;
    this.timer = setInterval(
      () => void this.retryDue().catch((e: Error) => this.logger.warn(`automatic NCIP retries failed: ${e.message}`)),
      this.env.NCIP_RETRY_INTERVAL_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One round over every due exchange (a round already running is joined, not doubled). */
  retryDue(): Promise<RetryRound> {
    this.running ??= this.round().finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<RetryRound> {
    const out: RetryRound = { resolved: 0, again: 0, toPerson: 0 };
    for (;;) {
      const due = await this.exchanges.claimDue(BATCH);
      for (const f of due) {
        const done = f.autoAttempts + 1;
        const partner = await this.partners.find(f.partner);
        if (!partner?.ncip.endpoint) {
          await this.exchanges.retryFailed(f.id, done, `${f.partner} has no NCIP endpoint`, true);
          out.toPerson++;
          continue;
        }
        const res = await this.client.resend(partner, f.service, f.request, f.correlationId ?? f.id);
        if (res.kind === 'ok') {
          await this.exchanges.resolveFailed({
            id: f.id,
            actor: 'auto-retry',
            note: `re-sent and accepted (retry ${done})`,
          });
          out.resolved++;
        } else if (res.kind === 'problem') {
          await this.exchanges.retryFailed(f.id, done, `refused on retry ${done}: ${res.problem.type}`, true);
          out.toPerson++;
        } else {
          await this.exchanges.retryFailed(f.id, done, res.reason, false);
          if (done >= this.env.NCIP_RETRY_MAX_ATTEMPTS) out.toPerson++;
          else out.again++;
        }
      }
      if (due.length < BATCH) return out;
    }
  }
}
