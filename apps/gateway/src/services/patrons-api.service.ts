import { Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import {
  CreatePatronDto,
  LoanSubjects,
  LoanView,
  Page,
  PatronBlockKind,
  PatronLoansDto,
  PatronLoansQueryDto,
  PatronRefDto,
  PatronSubjects,
  PatronSummary,
  PatronSummaryDto,
  PatronView,
  PinThrottleView,
  SearchPatronsDto,
  SetPatronBlockDto,
  UpdatePatronBodyDto,
  UpdatePatronDto,
} from '@app/contracts';

/** Patron records (patrons service) and a patron's loans and summary (loans service), over NATS. */
@Injectable()
export class PatronsApiService {
  constructor(private readonly rpc: NatsRpcClient) {}

  create(dto: CreatePatronDto): Promise<PatronView> {
    return this.rpc.request(PatronSubjects.create, dto);
  }

  /** The patron record for staff, with its wrong-PIN throttle (why PINs may not be checked, and where). */
  async get(ref: PatronRefDto): Promise<PatronView & { pinThrottle: PinThrottleView }> {
    const [patron, pinThrottle] = await Promise.all([
      this.rpc.request<PatronView, PatronRefDto>(PatronSubjects.get, patronRef(ref)),
      this.rpc.request<PinThrottleView, PatronRefDto>(PatronSubjects.getPinThrottle, patronRef(ref)),
    ]);
    return { ...patron, pinThrottle };
  }

  clearPinThrottle(ref: PatronRefDto): Promise<PinThrottleView> {
    return this.rpc.request<PinThrottleView, PatronRefDto>(PatronSubjects.clearPinThrottle, patronRef(ref));
  }

  update(ref: PatronRefDto, body: UpdatePatronBodyDto): Promise<PatronView> {
    return this.rpc.request<PatronView, UpdatePatronDto>(PatronSubjects.update, { ...body, ...patronRef(ref) });
  }

  search(query: SearchPatronsDto): Promise<Page<PatronView>> {
    return this.rpc.request(PatronSubjects.search, query);
  }

  setBlock(ref: PatronRefDto, block: PatronBlockKind, active: boolean, reason?: string): Promise<PatronView> {
    return this.rpc.request<PatronView, SetPatronBlockDto>(PatronSubjects.setBlock, { ...patronRef(ref), block, active, ...(reason ? { reason } : {}) });
  }

  loans(ref: PatronRefDto, query: PatronLoansQueryDto): Promise<Page<LoanView>> {
    return this.rpc.request<Page<LoanView>, PatronLoansDto>(LoanSubjects.patronLoans, { ...query, patron: patronRef(ref) });
  }

  summary(ref: PatronRefDto): Promise<PatronSummary> {
    return this.rpc.request<PatronSummary, PatronSummaryDto>(LoanSubjects.patronSummary, { patron: patronRef(ref) });
  }
}

/** Only the identity: path-param DTOs may carry more fields (e.g. `block`) that the target rejects. */
function patronRef(ref: PatronRefDto): PatronRefDto {
  return { agency: ref.agency, barcode: ref.barcode };
}
