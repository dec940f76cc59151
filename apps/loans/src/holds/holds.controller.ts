import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  BranchHoldsDto,
  CancelHoldDto,
  HoldExpiryReport,
  HoldShelf,
  HoldSubjects,
  HoldView,
  ListHoldsDto,
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

  @MessagePattern(HoldSubjects.place)
  place(@Payload() dto: PlaceHoldDto): Promise<HoldView> {
    return this.placeHold.execute(dto);
  }

  @MessagePattern(HoldSubjects.cancel)
  cancel(@Payload() dto: CancelHoldDto): Promise<HoldView> {
    return this.cancelHold.execute(dto);
  }

  @MessagePattern(HoldSubjects.list)
  list(@Payload() dto: ListHoldsDto): Promise<Page<HoldView>> {
    return this.queries.list(dto);
  }

  @MessagePattern(HoldSubjects.shelf)
  shelf(@Payload() dto: BranchHoldsDto): Promise<HoldShelf> {
    return this.queries.shelf(dto);
  }

  @MessagePattern(HoldSubjects.pickList)
  pickList(@Payload() dto: BranchHoldsDto): Promise<PickList> {
    return this.queries.pickList(dto);
  }

  @MessagePattern(HoldSubjects.expire)
  expire(@Payload() _dto: RunHoldExpiryDto): Promise<HoldExpiryReport> {
    return this.expiry.run();
  }
}
