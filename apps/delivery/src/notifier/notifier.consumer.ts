import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EventConsumerService } from '@app/common';
import { EventEnvelope, OrderEventData } from '@app/contracts';
import { DeliveryEnvDto } from '../config/delivery-env.dto';
import { LockerRepository } from '../lockers/locker.repository';
import { unsealCode } from '../shared/pickup-code';
import { NOTICE_SENDER, NoticeSender, noticeFor } from './notice';
import { NoticeLedger } from './notice-ledger.repository';

/**
 * Sends reader notices from delivery events. Idempotent: a notice is recorded per event id after it was
 * sent, and an event already recorded is skipped (JetStream delivers at least once; a crash between send
 * and record may send one notice twice, never none). The pickup code is unsealed only here, only into
 * the notice.
 */
@Injectable()
export class NotifierConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumer: EventConsumerService,
    private readonly ledger: NoticeLedger,
    private readonly lockers: LockerRepository,
    @Inject(NOTICE_SENDER) private readonly sender: NoticeSender,
    private readonly env: DeliveryEnvDto,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.consume({
      durable: 'delivery-notifier',
      filterSubject: 'events.delivery.>',
      handler: (e) => this.handle(e),
    });
  }

  async handle(event: EventEnvelope): Promise<void> {
    const data = event.data as OrderEventData;
    if (await this.ledger.sent(event.id)) return;
    const code = data.sealedCode ? unsealCode(data.sealedCode, await this.lockers.sealKey()) : null;
    const notice = noticeFor(event.type, data, code, this.env.LIBRARY_TIMEZONE);
    if (!notice) return;
    const sent = { ...notice, eventId: event.id };
    await this.sender.send(sent);
    await this.ledger.record(sent, this.sender.channel);
  }
}
