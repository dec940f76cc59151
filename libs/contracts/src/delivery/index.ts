export * from './delivery.dto';
export * from './delivery.subjects';
export * from './delivery-http.dto';
