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

  @Handles(PatronsCreate)
  create(@Payload() dto: CreatePatronDto): Promise<PatronView> {
    return this.patrons.create(dto);
  }

  @Handles(PatronsUpdate)
  update(@Payload() dto: UpdatePatronDto): Promise<PatronView> {
    return this.patrons.update(dto);
  }

  @Handles(PatronsGet)
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

  @Handles(PatronsSearch)
  search(@Payload() dto: SearchPatronsDto): Promise<Page<PatronView>> {
    return this.patrons.search(dto);
  }

  @Handles(PatronsVerifyPin)
  async verifyPin(@Payload() dto: VerifyPinDto): Promise<VerifyPinResult> {
    try {
      return await this.pins.verify(dto);
    } catch (e) {
      const partner = isPatronUnknown(e) ? await this.partnerCards.resolve(dto, dto.pin) : null;
      if (!partner) throw e;
      return partner;
    }
  }

  @Handles(PatronsSetBlock)
  setBlock(@Payload() dto: SetPatronBlockDto): Promise<PatronView> {
    return this.patrons.setBlock(dto);
  }
}
