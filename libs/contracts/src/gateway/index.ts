export * from './api-key.dto';
export * from './gateway-http.dto';
