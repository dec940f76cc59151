import { Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import {
  CreatePatronDto,
  LoansPatronLoans,
  LoansPatronSummary,
  LoanView,
  Page,
  PatronBlockKind,
  PatronRefDto,
  PatronsCreate,
  PatronsClearPinThrottle,
  PatronsGet,
  PatronsGetPinThrottle,
  PatronsSearch,
  PatronsSetBlock,
  PatronSummary,
  PatronsUpdate,
  PatronView,
  PinThrottleView,
  SearchPatronsDto,
} from '@app/contracts';
import { PatronLoansQueryDto, UpdatePatronBodyDto } from '../dto';

/** Patron records (patrons service) and a patron's loans and summary (loans service), over NATS. */
@Injectable()
export class PatronsApiService {
  constructor(private readonly rpc: NatsRpcClient) {}

  create(dto: CreatePatronDto): Promise<PatronView> {
    return this.rpc.call(PatronsCreate, dto);
  }

  /** The patron record for staff, with its wrong-PIN throttle (why PINs may not be checked, and where). */
  async get(ref: PatronRefDto): Promise<PatronView & { pinThrottle: PinThrottleView }> {
    const [patron, pinThrottle] = await Promise.all([
      this.rpc.call(PatronsGet, patronRef(ref)),
      this.rpc.call(PatronsGetPinThrottle, patronRef(ref)),
    ]);
    return { ...patron, pinThrottle };
  }

  clearPinThrottle(ref: PatronRefDto): Promise<PinThrottleView> {
    return this.rpc.call(PatronsClearPinThrottle, patronRef(ref));
  }

  update(ref: PatronRefDto, body: UpdatePatronBodyDto): Promise<PatronView> {
    return this.rpc.call(PatronsUpdate, { ...body, ...patronRef(ref) });
  }

  search(query: SearchPatronsDto): Promise<Page<PatronView>> {
    return this.rpc.call(PatronsSearch, query);
  }

  setBlock(ref: PatronRefDto, block: PatronBlockKind, active: boolean, reason?: string): Promise<PatronView> {
    return this.rpc.call(PatronsSetBlock, { ...patronRef(ref), block, active, ...(reason ? { reason } : {}) });
  }

  loans(ref: PatronRefDto, query: PatronLoansQueryDto): Promise<Page<LoanView>> {
    return this.rpc.call(LoansPatronLoans, { ...query, patron: patronRef(ref) });
  }

  summary(ref: PatronRefDto): Promise<PatronSummary> {
    return this.rpc.call(LoansPatronSummary, { patron: patronRef(ref) });
  }
}

/** Only the identity: path-param DTOs may carry more fields (e.g. `block`) that the target rejects. */
function patronRef(ref: PatronRefDto): PatronRefDto {
  return { agency: ref.agency, barcode: ref.barcode };
}
