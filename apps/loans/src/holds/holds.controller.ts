import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import {
  BranchHoldsDto,
  CancelHoldDto,
  HoldExpiryReport,
  HoldShelf,
  HoldView,
  ListHoldsDto,
  LoansHoldsCancel,
  LoansHoldsExpire,
  LoansHoldsList,
  LoansHoldsPickList,
  LoansHoldsPlace,
  LoansHoldsShelf,
  Page,
  PickList,
  PlaceHoldDto,
  RunHoldExpiryDto,
} from '@app/contracts';
import { CancelHoldUseCase } from './cancel-hold.usecase';
import { HoldExpiryJob } from './hold-expiry.job';
import { HoldQueryService } from './hold-query.service';
import { PlaceHoldUseCase } from './place-hold.usecase';

@Controller()
export class HoldsController {
  constructor(
    private readonly placeHold: PlaceHoldUseCase,
    private readonly cancelHold: CancelHoldUseCase,
    private readonly queries: HoldQueryService,
    private readonly expiry: HoldExpiryJob,
  ) {}

  @Handles(LoansHoldsPlace)
  place(@Payload() dto: PlaceHoldDto): Promise<HoldView> {
    return this.placeHold.execute(dto);
  }

  @Handles(LoansHoldsCancel)
  cancel(@Payload() dto: CancelHoldDto): Promise<HoldView> {
    return this.cancelHold.execute(dto);
  }

  @Handles(LoansHoldsList)
  list(@Payload() dto: ListHoldsDto): Promise<Page<HoldView>> {
    return this.queries.list(dto);
  }

  @Handles(LoansHoldsShelf)
  shelf(@Payload() dto: BranchHoldsDto): Promise<HoldShelf> {
    return this.queries.shelf(dto);
  }

  @Handles(LoansHoldsPickList)
  pickList(@Payload() dto: BranchHoldsDto): Promise<PickList> {
    return this.queries.pickList(dto);
  }

  @Handles(LoansHoldsExpire)
  expire(@Payload() _dto: RunHoldExpiryDto): Promise<HoldExpiryReport> {
    return this.expiry.run();
  }
}
