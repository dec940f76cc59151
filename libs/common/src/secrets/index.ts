export * from './secret-hasher';
export * from './verified-secret-cache';
