export * from './catalog.dto';
