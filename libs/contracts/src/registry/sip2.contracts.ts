import { as, event, NoPayload, rpc } from '../contract';
import type { WriteUnresolvedEventData } from '../loans/field.dto';
import type { Page } from '../common/page.dto';
import {
  ListSip2TerminalsDto,
  SetSip2TerminalEnabledDto,
  Sip2TerminalRefDto,
  UpsertSip2TerminalDto,
} from '../sip2/sip2-terminal.dto';
import type { Sip2TerminalView } from '../sip2/sip2-terminal.dto';
import type { Sip2MetricsView } from '../sip2/sip2-metrics.dto';

/** sip2 service: terminal accounts and adapter metrics. */
export const Sip2UpsertTerminal = rpc('sip2.terminals.upsert.v1', UpsertSip2TerminalDto, as<Sip2TerminalView>());
export const Sip2GetTerminal = rpc('sip2.terminals.get.v1', Sip2TerminalRefDto, as<Sip2TerminalView>());
export const Sip2ListTerminals = rpc('sip2.terminals.list.v1', ListSip2TerminalsDto, as<Page<Sip2TerminalView>>());
export const Sip2SetTerminalEnabled = rpc(
  'sip2.terminals.set-enabled.v1',
  SetSip2TerminalEnabledDto,
  as<Sip2TerminalView>(),
);
/** staff clear a terminal's wrong-password/PIN throttle (state of the answering sip2 process) */
export const Sip2ClearTerminalThrottle = rpc(
  'sip2.terminals.clear-throttle.v1',
  Sip2TerminalRefDto,
  as<Sip2TerminalView>(),
);
/** per-message-type counters and latencies */
export const Sip2Metrics = rpc('sip2.metrics.v1', NoPayload, as<Sip2MetricsView>());

/** a circulation write the adapter refused to its terminal without knowing its outcome (from its outbox; loans makes the refusal true) */
export const Sip2WriteUnresolved = event('events.sip2.write-unresolved.v1', as<WriteUnresolvedEventData>());
