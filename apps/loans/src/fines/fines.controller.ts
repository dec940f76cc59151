import { createHash } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import {
  ClaimReturnedDto,
  ClaimReturnedResult,
  FinesPage,
  ListFinesDto,
  LoansClaimReturned,
  LoansFinesList,
  LoansFinesPay,
  LoansFinesWaive,
  LoansMarkLost,
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

  @Handles(LoansFinesList)
  list(@Payload() dto: ListFinesDto): Promise<FinesPage> {
    return this.fines.list(dto);
  }

  @Handles(LoansFinesPay)
  pay(@Payload() dto: PayFinesDto): Promise<PayFinesResult> {
    // a payment is idempotent per (patron, transaction id): a key without a transaction id becomes one
    const transactionId =
      dto.transactionId ??
      (dto.idempotencyKey
        ? `key:${createHash('sha256').update(dto.idempotencyKey).digest('base64url').slice(0, 40)}`
        : undefined);
    return this.fines.pay({ ...dto, ...(transactionId ? { transactionId } : {}) });
  }

  @Handles(LoansFinesWaive)
  waive(@Payload() dto: WaiveFineDto): Promise<WaiveFineResult> {
    return this.fines.waive(dto);
  }

  @Handles(LoansMarkLost)
  markLost(@Payload() dto: MarkLostDto): Promise<MarkLostResult> {
    return this.lostItems.markLost(dto);
  }

  @Handles(LoansClaimReturned)
  claimReturned(@Payload() dto: ClaimReturnedDto): Promise<ClaimReturnedResult> {
    return this.lostItems.claimReturned(dto);
  }
}
