export * from './circulation-channel';
export * from './loan.dto';
export * from './rules.dto';
export * from './calendar.dto';
export * from './fines.dto';
export * from './holds.dto';
export * from './transit.dto';
