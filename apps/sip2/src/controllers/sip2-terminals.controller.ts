import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import {
  ListSip2TerminalsDto,
  Page,
  SetSip2TerminalEnabledDto,
  Sip2GetTerminal,
  Sip2ListTerminals,
  Sip2SetTerminalEnabled,
  Sip2TerminalRefDto,
  Sip2TerminalView,
  Sip2UpsertTerminal,
  UpsertSip2TerminalDto,
} from '@app/contracts';
import { TerminalAccountsService } from '../services/terminal-accounts.service';

@Controller()
export class Sip2TerminalsController {
  constructor(private readonly terminals: TerminalAccountsService) {}

  @Handles(Sip2UpsertTerminal)
  upsert(@Payload() dto: UpsertSip2TerminalDto): Promise<Sip2TerminalView> {
    return this.terminals.upsert(dto);
  }

  @Handles(Sip2GetTerminal)
  get(@Payload() dto: Sip2TerminalRefDto): Promise<Sip2TerminalView> {
    return this.terminals.get(dto.login);
  }

  @Handles(Sip2ListTerminals)
  list(@Payload() dto: ListSip2TerminalsDto): Promise<Page<Sip2TerminalView>> {
    return this.terminals.list(dto);
  }

  @Handles(Sip2SetTerminalEnabled)
  setEnabled(@Payload() dto: SetSip2TerminalEnabledDto): Promise<Sip2TerminalView> {
    return this.terminals.setEnabled(dto.login, dto.enabled);
  }
}
