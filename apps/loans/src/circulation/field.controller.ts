import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import {
  CirculationExceptionView,
  IdempotencyOutcome,
  IdempotencyOutcomeDto,
  ListCirculationExceptionsDto,
  LoansIdempotencyOutcome,
  LoansOfflineExceptionResolve,
  LoansOfflineExceptions,
  LoansOfflinePolicy,
  LoansOfflineUpload,
  OfflinePolicyDto,
  OfflinePolicyView,
  OfflineUploadDto,
  OfflineUploadResult,
  Page,
  ResolveCirculationExceptionDto,
} from '@app/contracts';
import { CirculationExceptionsRepository } from '../shared/circulation-exceptions.repository';
import { IdempotencyService } from '../shared/idempotency.service';
import { OfflinePolicyService } from '../shared/offline-policy.service';
import { OfflineUploadUseCase } from './offline-upload.usecase';

/** Exactly-once outcomes, offline uploads, the exceptions list and the offline window (docs/circulation.md). */
@Controller()
export class FieldCirculationController {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly upload: OfflineUploadUseCase,
    private readonly exceptions: CirculationExceptionsRepository,
    private readonly offline: OfflinePolicyService,
  ) {}

  @Handles(LoansIdempotencyOutcome)
  outcome(@Payload() dto: IdempotencyOutcomeDto): Promise<IdempotencyOutcome> {
    return this.idempotency.outcome(dto.key, dto.abandon === true);
  }

  @Handles(LoansOfflineUpload)
  offlineUpload(@Payload() dto: OfflineUploadDto): Promise<OfflineUploadResult> {
    return this.upload.execute(dto);
  }

  @Handles(LoansOfflineExceptions)
  list(@Payload() dto: ListCirculationExceptionsDto): Promise<Page<CirculationExceptionView>> {
    return this.exceptions.list({
      branch: dto.branch,
      status: dto.status ?? (dto.includeResolved ? 'all' : 'open'),
      limit: dto.limit ?? 50,
      offset: dto.offset ?? 0,
    });
  }

  @Handles(LoansOfflineExceptionResolve)
  resolve(@Payload() dto: ResolveCirculationExceptionDto): Promise<CirculationExceptionView> {
    return this.exceptions.resolve(dto.id, dto.resolvedBy, dto.note);
  }

  @Handles(LoansOfflinePolicy)
  policy(@Payload() dto: OfflinePolicyDto): OfflinePolicyView {
    return { agency: dto.agency, maxDaysBack: this.offline.maxDaysBack(dto.agency) };
  }
}
