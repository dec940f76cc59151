import { Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import {
  ListSip2TerminalsDto,
  Page,
  Sip2GetTerminal,
  Sip2ListTerminals,
  Sip2Metrics,
  Sip2MetricsView,
  Sip2SetTerminalEnabled,
  Sip2TerminalView,
  Sip2UpsertTerminal,
} from '@app/contracts';
import { UpsertSip2TerminalBodyDto } from '../dto';

/** SIP2 terminal accounts and adapter metrics: forwarded to the sip2 service over NATS. */
@Injectable()
export class Sip2ApiService {
  constructor(private readonly rpc: NatsRpcClient) {}

  list(query: ListSip2TerminalsDto): Promise<Page<Sip2TerminalView>> {
    return this.rpc.call(Sip2ListTerminals, query);
  }

  get(login: string): Promise<Sip2TerminalView> {
    return this.rpc.call(Sip2GetTerminal, { login });
  }

  upsert(login: string, body: UpsertSip2TerminalBodyDto): Promise<Sip2TerminalView> {
    return this.rpc.call(Sip2UpsertTerminal, { ...body, login });
  }

  setEnabled(login: string, enabled: boolean): Promise<Sip2TerminalView> {
    return this.rpc.call(Sip2SetTerminalEnabled, { login, enabled });
  }

  metrics(): Promise<Sip2MetricsView> {
    return this.rpc.call(Sip2Metrics, {});
  }
}
