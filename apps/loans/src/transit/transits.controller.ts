import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import {
  FloatingRuleView,
  ListFloatingRulesDto,
  ListTransitsDto,
  LoansFloatingRulesList,
  LoansFloatingRulesUpsert,
  LoansTransitsList,
  Page,
  TransitView,
  UpsertFloatingRuleDto,
} from '@app/contracts';
import { FloatingPolicyService } from './floating-policy.service';
import { TransitRepository, TransitRow } from './transit.repository';

const toTransitView = (t: TransitRow): TransitView => ({
  id: t.id,
  item: { agency: t.itemAgency, barcode: t.itemBarcode },
  title: t.title,
  fromBranch: t.fromBranch,
  toBranch: t.toBranch,
  reason: t.reason,
  holdId: t.holdId,
  routeCode: t.toBranch,
  status: t.status,
  sentAt: t.sentAt.toISOString(),
  receivedAt: t.receivedAt ? t.receivedAt.toISOString() : null,
  receivedBranch: t.receivedBranch,
});

@Controller()
export class TransitsController {
  constructor(
    private readonly transits: TransitRepository,
    private readonly floating: FloatingPolicyService,
  ) {}

  @Handles(LoansTransitsList)
  async list(@Payload() dto: ListTransitsDto): Promise<Page<TransitView>> {
    const limit = dto.limit ?? 50;
    const offset = dto.offset ?? 0;
    const [rows, total] = await this.transits.list(
      dto.branch,
      dto.direction ?? 'both',
      dto.status ?? 'open',
      limit,
      offset,
    );
    return { items: rows.map(toTransitView), total, limit, offset };
  }

  @Handles(LoansFloatingRulesList)
  floatingRules(@Payload() _dto: ListFloatingRulesDto): Promise<FloatingRuleView[]> {
    return this.floating.rules();
  }

  @Handles(LoansFloatingRulesUpsert)
  upsertFloatingRule(@Payload() dto: UpsertFloatingRuleDto): Promise<FloatingRuleView> {
    return this.floating.upsert({ agency: dto.agency, itemType: dto.itemType, floats: dto.floats });
  }
}
