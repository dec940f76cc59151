export * from './delivery.dto';
export * from './delivery.subjects';
