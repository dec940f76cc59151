import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventConsumerService } from '@app/common';
import { EventEnvelope, EventSubjects, LoanEventData } from '@app/contracts';
import { ItemService } from '../services/item.service';

/** Keeps each item's circulation status in step with the loans service (eventually consistent). */
@Injectable()
export class LoanEventsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(LoanEventsConsumer.name);

  constructor(
    private readonly consumer: EventConsumerService,
    private readonly items: ItemService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.consume({
      durable: 'catalog-loan-status',
      filterSubject: 'events.loans.>',
      subjects: [EventSubjects.loanCreated, EventSubjects.loanClosed],
      handler: (event) => this.handle(event as EventEnvelope<LoanEventData>),
    });
  }

  async handle(event: EventEnvelope<LoanEventData>): Promise<void> {
    const { item, branch } = event.data;
    const onLoan = event.type === EventSubjects.loanCreated;
    const applied = await this.items.applyLoanState(item.agency, item.barcode, onLoan, new Date(event.occurredAt), onLoan ? undefined : branch);
    if (!applied) this.logger.debug(`ignored stale or unknown-item event ${event.id}`);
  }
}
