import { createHash } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ClaimReturnedDto,
  ClaimReturnedResult,
  FineSubjects,
  FinesPage,
  ListFinesDto,
  MarkLostDto,
  MarkLostResult,
  PayFinesDto,
  PayFinesResult,
  WaiveFineDto,
  WaiveFineResult,
} from '@app/contracts';
import { FinesService } from './fines.service';
import { LostItemsService } from './lost-items.service';

@Controller()
export class FinesController {
  constructor(
    private readonly fines: FinesService,
    private readonly lostItems: LostItemsService,
  ) {}

  @MessagePattern(FineSubjects.list)
  list(@Payload() dto: ListFinesDto): Promise<FinesPage> {
    return this.fines.list(dto);
  }

  @MessagePattern(FineSubjects.pay)
  pay(@Payload() dto: PayFinesDto): Promise<PayFinesResult> {
    // a payment is idempotent per (patron, transaction id): a key without a transaction id becomes one
    const transactionId = dto.transactionId ?? (dto.idempotencyKey ? `key:${createHash('sha256').update(dto.idempotencyKey).digest('base64url').slice(0, 40)}` : undefined);
    return this.fines.pay({ ...dto, ...(transactionId ? { transactionId } : {}) });
  }

  @MessagePattern(FineSubjects.waive)
  waive(@Payload() dto: WaiveFineDto): Promise<WaiveFineResult> {
    return this.fines.waive(dto);
  }

  @MessagePattern(FineSubjects.markLost)
  markLost(@Payload() dto: MarkLostDto): Promise<MarkLostResult> {
    return this.lostItems.markLost(dto);
  }

  @MessagePattern(FineSubjects.claimReturned)
  claimReturned(@Payload() dto: ClaimReturnedDto): Promise<ClaimReturnedResult> {
    return this.lostItems.claimReturned(dto);
  }
}
