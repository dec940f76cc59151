export * from './statistics.subjects';
export * from './statistics.dto';
