import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EventConsumerService } from '@app/common';
import { EnvelopeOf, HoldReady, LoanRecalled } from '@app/contracts';
import { NoticeLookupsClient } from '../clients/notice-lookups.client';
import { DeliveryEnvDto } from '../config/delivery-env.dto';
import { circulationNoticeFor, CirculationNoticeEvent } from './circulation-notice';
import { NOTICE_SENDER, NoticeSender } from './notice';
import { NoticeLedger } from './notice-ledger.repository';

/**
 * Reader notices from loans events, through the same senders as the O2O notices: a hold waiting on the
 * hold shelf, a loan recalled by the item's owner. One durable consumer per subject (nats-server 2.9
 * has no multi-subject filters; `events.loans.>` would hand delivery every checkout). Readers of
 * other libraries (a partner's reader borrowing here) are told by their own library, not by us.
 */
@Injectable()
export class CirculationNoticesConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumer: EventConsumerService,
    private readonly ledger: NoticeLedger,
    private readonly lookups: NoticeLookupsClient,
    @Inject(NOTICE_SENDER) private readonly sender: NoticeSender,
    private readonly env: DeliveryEnvDto,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.consume({
      durable: 'delivery-notifier-holds',
      filterSubject: HoldReady.subject,
      events: [HoldReady],
      fromNow: true,
      handler: (e) => this.handle(e),
    });
    await this.consumer.consume({
      durable: 'delivery-notifier-recalls',
      filterSubject: LoanRecalled.subject,
      events: [LoanRecalled],
      fromNow: true,
      handler: (e) => this.handle(e),
    });
  }

  async handle(event: EnvelopeOf<typeof HoldReady> | EnvelopeOf<typeof LoanRecalled>): Promise<void> {
    if (await this.ledger.sent(event.id)) return;
    const reader = await this.lookups.reader(event.data.patron);
    if (!reader) return;
    const typed = { type: event.type, data: event.data } as CirculationNoticeEvent;
    const built = circulationNoticeFor(typed, {
      phone: reader.phone,
      title:
        typed.type === HoldReady.subject
          ? typed.data.title
          : ((await this.lookups.itemTitle(typed.data.item)) ?? typed.data.item.barcode),
      branchName: typed.type === HoldReady.subject ? await this.lookups.branchName(typed.data.pickupBranch) : '',
      tz: this.env.LIBRARY_TIMEZONE,
      now: new Date(),
    });
    if (!built || (await this.ledger.sent(event.id, built.reference))) return;
    const notice = { ...built.notice, eventId: event.id };
    await this.sender.send(notice);
    await this.ledger.record(notice, this.sender.channel, built.reference);
  }
}
