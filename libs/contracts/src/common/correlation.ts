/** NATS header that carries the correlation id across every hop (HTTP → NATS → NATS …). */
export const CORRELATION_HEADER = 'x-correlation-id';
/** NATS header naming the caller, for logs. */
export const CALLER_HEADER = 'x-caller';
