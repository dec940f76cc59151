export * from './patron.dto';
export * from './patron-events';
