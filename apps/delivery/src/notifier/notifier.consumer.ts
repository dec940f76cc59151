import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EventConsumerService } from '@app/common';
import { EventEnvelope, OrderEventData } from '@app/contracts';
import { DataSource } from 'typeorm';
import { DeliveryEnvDto } from '../config/delivery-env.dto';
import { LockerRepository } from '../lockers/locker.repository';
import { unsealCode } from '../shared/pickup-code';
import { NOTICE_SENDER, NoticeSender, noticeFor } from './notice';

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
    private readonly ds: DataSource,
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
    const [seen] = await this.ds.query(`SELECT 1 FROM delivery.notices WHERE event_id = $1`, [event.id]);
    if (seen) return;
    const code = data.sealedCode ? unsealCode(data.sealedCode, await this.lockers.sealKey()) : null;
    const notice = noticeFor(event.type, data, code, this.env.LIBRARY_TIMEZONE);
    if (!notice) return;
    await this.sender.send({ ...notice, eventId: event.id });
    await this.ds.query(
      `INSERT INTO delivery.notices (event_id, order_id, template, channel, recipient) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING`,
      [
        event.id,
        notice.orderId,
        notice.template,
        this.sender.channel,
        `${notice.patron.agency}/${notice.patron.barcode}`,
      ],
    );
  }
}
