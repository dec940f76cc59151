export * from './sip2-terminal.dto';
export * from './sip2-metrics.dto';
