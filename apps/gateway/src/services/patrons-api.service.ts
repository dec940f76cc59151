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

  get(ref: PatronRefDto): Promise<PatronView> {
    return this.rpc.request<PatronView, PatronRefDto>(PatronSubjects.get, patronRef(ref));
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
