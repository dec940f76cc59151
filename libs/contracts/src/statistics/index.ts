export * from './statistics.dto';
