import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ListSip2TerminalsDto,
  Page,
  SetSip2TerminalEnabledDto,
  Sip2Subjects,
  Sip2TerminalRefDto,
  Sip2TerminalView,
  UpsertSip2TerminalDto,
} from '@app/contracts';
import { Sip2ListenerService } from '../server/sip2-listener.service';
import { TerminalAccountsService } from '../services/terminal-accounts.service';

@Controller()
export class Sip2TerminalsController {
  constructor(
    private readonly terminals: TerminalAccountsService,
    private readonly listeners: Sip2ListenerService,
  ) {}

  @MessagePattern(Sip2Subjects.upsertTerminal)
  upsert(@Payload() dto: UpsertSip2TerminalDto): Promise<Sip2TerminalView> {
    return this.terminals.upsert(dto);
  }

  @MessagePattern(Sip2Subjects.getTerminal)
  async get(@Payload() dto: Sip2TerminalRefDto): Promise<Sip2TerminalView> {
    return { ...(await this.terminals.get(dto.login)), throttle: this.listeners.throttleState(dto.login) };
  }

  @MessagePattern(Sip2Subjects.clearTerminalThrottle)
  async clearThrottle(@Payload() dto: Sip2TerminalRefDto): Promise<Sip2TerminalView> {
    const view = await this.terminals.get(dto.login);
    this.listeners.clearThrottle(dto.login);
    return { ...view, throttle: this.listeners.throttleState(dto.login) };
  }

  @MessagePattern(Sip2Subjects.listTerminals)
  list(@Payload() dto: ListSip2TerminalsDto): Promise<Page<Sip2TerminalView>> {
    return this.terminals.list(dto);
  }

  @MessagePattern(Sip2Subjects.setTerminalEnabled)
  setEnabled(@Payload() dto: SetSip2TerminalEnabledDto): Promise<Sip2TerminalView> {
    return this.terminals.setEnabled(dto.login, dto.enabled);
  }
}
