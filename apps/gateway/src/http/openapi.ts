import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SUITE_VERSION } from '@app/contracts';
import { applyContractApiDocs } from './api-docs';

export const OPENAPI_JSON_PATH = 'api/openapi.json';
export const SWAGGER_UI_PATH = 'api/docs';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  applyContractApiDocs();
  const config = new DocumentBuilder()
    .setTitle('Library circulation gateway')
    .setDescription(
      'HTTP API for staff desks, the O2O front end and operations. Send an API key as `Authorization: Bearer <key>`; ' +
        'errors are `{ code, message, details? }` with stable codes. Items and patrons are identified by (agency ISIL, barcode).',
    )
    .setVersion(SUITE_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key (staff, ops, or device for /api/device)' })
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'reader token from POST /api/reader/login (O2O app)',
      },
      'reader',
    )
    .addTag('circulation', 'checkout, checkin, renew')
    .addTag('patrons', 'patron records, blocks, loans')
    .addTag('items', 'physical copies, by (agency, barcode)')
    .addTag('records', 'bibliographic records')
    .addTag('agencies', 'libraries and branches')
    .addTag('api-keys', 'key management (ops)')
    .addTag('health', 'service health (public)')
    .addTag('reader', 'O2O app: reader login, lending stock, orders (reader token)')
    .addTag('delivery', 'O2O fulfilment, lockers and clearance (staff)')
    .addTag('device', 'smart-locker controllers (device keys bound to one locker)')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /api/docs and the JSON at /api/openapi.json, both public (served outside the guard). */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup(SWAGGER_UI_PATH, app, buildOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
  });
}
