// The library's clock and calendar arithmetic in its time zone (LIBRARY_TIMEZONE), in one place and free
// of NestJS, so the SIP2 protocol library, loans, patrons and the bench share one implementation.
export * from './library-clock';
export * from './local-date';
