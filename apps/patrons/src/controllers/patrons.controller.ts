import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import {
  CreatePatronDto,
  Page,
  PatronRefDto,
  PatronsCreate,
  PatronsGet,
  PatronsSearch,
  PatronsSetBlock,
  PatronsUpdate,
  PatronsVerifyPin,
  PatronView,
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

  @Handles(PatronsCreate)
  create(@Payload() dto: CreatePatronDto): Promise<PatronView> {
    return this.patrons.create(dto);
  }

  @Handles(PatronsUpdate)
  update(@Payload() dto: UpdatePatronDto): Promise<PatronView> {
    return this.patrons.update(dto);
  }

  @Handles(PatronsGet)
  get(@Payload() dto: PatronRefDto): Promise<PatronView> {
    return this.patrons.get(dto);
  }

  @Handles(PatronsSearch)
  search(@Payload() dto: SearchPatronsDto): Promise<Page<PatronView>> {
    return this.patrons.search(dto);
  }

  @Handles(PatronsVerifyPin)
  verifyPin(@Payload() dto: VerifyPinDto): Promise<VerifyPinResult> {
    return this.pins.verify(dto);
  }

  @Handles(PatronsSetBlock)
  setBlock(@Payload() dto: SetPatronBlockDto): Promise<PatronView> {
    return this.patrons.setBlock(dto);
  }
}
