export * from './api-key.dto';
export * from './gateway-http.dto';
export * from './sip2-http.dto';
export * from './loans-http.dto';
export * from './federation-http.dto';
