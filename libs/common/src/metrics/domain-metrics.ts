import type { Counter } from 'prom-client';
import { metricCounter } from './metrics-registry';

/**
 * The domain series operators alert on, declared once so every service names them the same way
 * (docs/operations.md, Metrics); SIP2's are in apps/sip2 (sip2-metrics.service.ts). Each is created on first use, so a service exports only what it
 * counts. A new service adds its own with `metricCounter` / `metricGauge` / `metricHistogram` from
 * `@app/common` (get-or-create by name; bounded label values only) and documents it there.
 */
let circulation: Counter<'action' | 'channel' | 'outcome'> | undefined;
/** Circulation transactions by action (checkout, checkin, renew, …), channel (desk, sip2, o2o, ncip, api) and outcome (ok or the error code). */
export function circulationTransactions(): Counter<'action' | 'channel' | 'outcome'> {
  return (circulation ??= metricCounter(
    'circulation_transactions_total',
    'Circulation transactions handled by the loans service, by action, channel and outcome (ok or error code)',
    ['action', 'channel', 'outcome'],
  ));
}

type CirculationChild = ReturnType<Counter<'action' | 'channel' | 'outcome'>['labels']>;
const circulationChildren = new Map<string, CirculationChild>();

/**
 * Counts a circulation command when it settles (ok, or the error code it failed with) and passes its
 * result or error through. One cached child per (action, channel, outcome): a map lookup per command.
 */
export function countCirculation<T>(action: string, channel: string | undefined, work: Promise<T>): Promise<T> {
  const count = (outcome: string) => {
    const key = `${action}|${channel ?? 'api'}|${outcome}`;
    let child = circulationChildren.get(key);
    if (!child)
      circulationChildren.set(key, (child = circulationTransactions().labels(action, channel ?? 'api', outcome)));
    child.inc();
  };
  return work.then(
    (result) => {
      count('ok');
      return result;
    },
    (err: unknown) => {
      const code = (err as { code?: unknown })?.code;
      count(typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code) ? code : 'INTERNAL');
      throw err;
    },
  );
}

let ncip: Counter<'partner' | 'message' | 'outcome'> | undefined;
/** NCIP exchanges by partner agency (ISIL of a configured partner), message (e.g. CheckOutItem) and outcome (ok or problem type). */
export function ncipExchanges(): Counter<'partner' | 'message' | 'outcome'> {
  return (ncip ??= metricCounter(
    'ncip_exchanges_total',
    'NCIP messages exchanged with partner libraries, by partner ISIL, message and outcome',
    ['partner', 'message', 'outcome'],
  ));
}

let o2o: Counter<'state'> | undefined;
/** O2O order state changes (count an order each time it enters a state: placed, picked, in_locker, delivered, collected, cancelled, …). */
export function o2oOrderTransitions(): Counter<'state'> {
  return (o2o ??= metricCounter('o2o_orders_total', 'O2O delivery orders entering each state', ['state']));
}
