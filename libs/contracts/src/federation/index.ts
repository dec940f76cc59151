export * from './federation.subjects';
export * from './federation.dto';
