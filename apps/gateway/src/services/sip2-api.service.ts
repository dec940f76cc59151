import { Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import {
  ListSip2TerminalsDto,
  Page,
  Sip2MetricsView,
  Sip2Subjects,
  Sip2TerminalView,
  UpsertSip2TerminalBodyDto,
} from '@app/contracts';

/** SIP2 terminal accounts and adapter metrics: forwarded to the sip2 service over NATS. */
@Injectable()
export class Sip2ApiService {
  constructor(private readonly rpc: NatsRpcClient) {}

  list(query: ListSip2TerminalsDto): Promise<Page<Sip2TerminalView>> {
    return this.rpc.request(Sip2Subjects.listTerminals, query);
  }

  get(login: string): Promise<Sip2TerminalView> {
    return this.rpc.request(Sip2Subjects.getTerminal, { login });
  }

  upsert(login: string, body: UpsertSip2TerminalBodyDto): Promise<Sip2TerminalView> {
    return this.rpc.request(Sip2Subjects.upsertTerminal, { ...body, login });
  }

  setEnabled(login: string, enabled: boolean): Promise<Sip2TerminalView> {
    return this.rpc.request(Sip2Subjects.setTerminalEnabled, { login, enabled });
  }

  clearThrottle(login: string): Promise<Sip2TerminalView> {
    return this.rpc.request(Sip2Subjects.clearTerminalThrottle, { login });
  }

  metrics(): Promise<Sip2MetricsView> {
    return this.rpc.request(Sip2Subjects.metrics, {});
  }
}
