import { as, NoPayload, rpc } from '../contract';
import type { Page } from '../common/page.dto';
import { ListSip2TerminalsDto, SetSip2TerminalEnabledDto, Sip2TerminalRefDto, UpsertSip2TerminalDto } from '../sip2/sip2-terminal.dto';
import type { Sip2TerminalView } from '../sip2/sip2-terminal.dto';
import type { Sip2MetricsView } from '../sip2/sip2-metrics.dto';

/** sip2 service: terminal accounts and adapter metrics. */
export const Sip2UpsertTerminal = rpc('sip2.terminals.upsert.v1', UpsertSip2TerminalDto, as<Sip2TerminalView>());
export const Sip2GetTerminal = rpc('sip2.terminals.get.v1', Sip2TerminalRefDto, as<Sip2TerminalView>());
export const Sip2ListTerminals = rpc('sip2.terminals.list.v1', ListSip2TerminalsDto, as<Page<Sip2TerminalView>>());
export const Sip2SetTerminalEnabled = rpc('sip2.terminals.set-enabled.v1', SetSip2TerminalEnabledDto, as<Sip2TerminalView>());
/** per-message-type counters and latencies */
export const Sip2Metrics = rpc('sip2.metrics.v1', NoPayload, as<Sip2MetricsView>());
