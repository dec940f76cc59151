export * from './patron.dto';
