import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreatePatronDto,
  Page,
  PatronRefDto,
  PatronSubjects,
  PatronView,
  SearchPatronsDto,
  SetPatronBlockDto,
  UpdatePatronDto,
  VerifyPinDto,
  VerifyPinResult,
} from '@app/contracts';
import { isPatronUnknown, PartnerCardsService } from '../services/partner-cards.service';
import { PatronService } from '../services/patron.service';
import { PinVerificationService } from '../services/pin-verification.service';

@Controller()
export class PatronsController {
  constructor(
    private readonly patrons: PatronService,
    private readonly pins: PinVerificationService,
    private readonly partnerCards: PartnerCardsService,
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
  async get(@Payload() dto: PatronRefDto): Promise<PatronView> {
    try {
      return await this.patrons.get(dto);
    } catch (e) {
      // not ours: a partner's card is checked at the reader's home library
      const partner = isPatronUnknown(e) ? await this.partnerCards.resolve(dto) : null;
      if (!partner) throw e;
      return partner.patron;
    }
  }

  @MessagePattern(PatronSubjects.search)
  search(@Payload() dto: SearchPatronsDto): Promise<Page<PatronView>> {
    return this.patrons.search(dto);
  }

  @MessagePattern(PatronSubjects.verifyPin)
  async verifyPin(@Payload() dto: VerifyPinDto): Promise<VerifyPinResult> {
    try {
      return await this.pins.verify(dto);
    } catch (e) {
      const partner = isPatronUnknown(e) ? await this.partnerCards.resolve(dto, dto.pin) : null;
      if (!partner) throw e;
      return partner;
    }
  }

  @MessagePattern(PatronSubjects.setBlock)
  setBlock(@Payload() dto: SetPatronBlockDto): Promise<PatronView> {
    return this.patrons.setBlock(dto);
  }
}
