// @app/sip2-protocol: pure TypeScript SIP2 2.00 codec, framing, checksum, charsets and client.
export * from './field-spec';
export * from './message-spec';
export * from './charset';
export * from './checksum';
export * from './retransmit-cache';
export * from './sip2-framer';
export * from './sip2-date';
export * from './sip2-values';
export * from './sip2-codec';
export * from './sip2-client';
