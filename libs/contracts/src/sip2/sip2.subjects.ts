/** NATS subjects served by the sip2 service (terminal accounts and adapter metrics). */
export const Sip2Subjects = {
  upsertTerminal: 'sip2.terminals.upsert.v1',
  getTerminal: 'sip2.terminals.get.v1',
  listTerminals: 'sip2.terminals.list.v1',
  setTerminalEnabled: 'sip2.terminals.set-enabled.v1',
  clearTerminalThrottle: 'sip2.terminals.clear-throttle.v1',
  metrics: 'sip2.metrics.v1',
} as const;
