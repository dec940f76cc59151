export * from './loan.dto';
