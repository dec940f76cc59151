export * from './loan.dto';
export * from './holds.dto';
export * from './holds.subjects';
export * from './transit.dto';
export * from './transit.subjects';
