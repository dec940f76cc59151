import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import { CheckinResult, LoansTransitsReceive, ReceiveTransitDto } from '@app/contracts';
import { CheckinItemUseCase } from './checkin-item.usecase';

/** Receiving a transit is a checkin at the destination: one code path decides what happens next. */
@Controller()
export class TransitReceiveController {
  constructor(private readonly checkin: CheckinItemUseCase) {}

  @Handles(LoansTransitsReceive)
  receive(@Payload() dto: ReceiveTransitDto): Promise<CheckinResult> {
    return this.checkin.execute({ item: dto.item, branch: dto.branch, channel: dto.channel });
  }
}
