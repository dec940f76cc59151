import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreatePatronDto,
  Page,
  PatronRefDto,
  PatronSubjects,
  PatronView,
  PinThrottleView,
  SearchPatronsDto,
  SetPatronBlockDto,
  UpdatePatronDto,
  VerifyPinDto,
  VerifyPinResult,
} from '@app/contracts';
import { PatronService } from '../services/patron.service';
import { PinVerificationService } from '../services/pin-verification.service';

@Controller()
export class PatronsController {
  constructor(
    private readonly patrons: PatronService,
    private readonly pins: PinVerificationService,
  ) {}

  @MessagePattern(PatronSubjects.create)
  create(@Payload() dto: CreatePatronDto): Promise<PatronView> {
    return this.patrons.create(dto);
  }

  @MessagePattern(PatronSubjects.update)
  update(@Payload() dto: UpdatePatronDto): Promise<PatronView> {
    return this.patrons.update(dto);
  }

  @MessagePattern(PatronSubjects.get)
  get(@Payload() dto: PatronRefDto): Promise<PatronView> {
    return this.patrons.get(dto);
  }

  @MessagePattern(PatronSubjects.search)
  search(@Payload() dto: SearchPatronsDto): Promise<Page<PatronView>> {
    return this.patrons.search(dto);
  }

  @MessagePattern(PatronSubjects.verifyPin)
  verifyPin(@Payload() dto: VerifyPinDto): Promise<VerifyPinResult> {
    return this.pins.verify(dto);
  }

  @MessagePattern(PatronSubjects.getPinThrottle)
  getPinThrottle(@Payload() dto: PatronRefDto): Promise<PinThrottleView> {
    return this.pins.throttleState(dto);
  }

  @MessagePattern(PatronSubjects.clearPinThrottle)
  clearPinThrottle(@Payload() dto: PatronRefDto): Promise<PinThrottleView> {
    return this.pins.clearThrottle(dto);
  }

  @MessagePattern(PatronSubjects.setBlock)
  setBlock(@Payload() dto: SetPatronBlockDto): Promise<PatronView> {
    return this.patrons.setBlock(dto);
  }
}
