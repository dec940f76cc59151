/** NATS header that carries the correlation id across every hop (HTTP → NATS → NATS …). */
export const CORRELATION_HEADER = 'x-correlation-id';
