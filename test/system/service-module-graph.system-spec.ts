/*
 * Only the gateway serves an OpenAPI document; every other service must not load @nestjs/swagger
 * (~10 MiB of RSS per process with lodash and friends). The contract DTOs document themselves with
 * libs/contracts' recording decorators (libs/contracts/src/common/api-doc.ts) for that reason.
 * This loads each service's module graph (what its main.ts loads) and watches for the package.
 */
const SERVICES: Record<string, () => unknown> = {
  catalog: () => [
    require('../../apps/catalog/src/catalog.module'),
    require('../../apps/catalog/src/config/catalog-env.dto'),
  ],
  patrons: () => [
    require('../../apps/patrons/src/patrons.module'),
    require('../../apps/patrons/src/config/patrons-env.dto'),
  ],
  loans: () => [require('../../apps/loans/src/loans.module'), require('../../apps/loans/src/config/loans-env.dto')],
  delivery: () => [
    require('../../apps/delivery/src/delivery.module'),
    require('../../apps/delivery/src/config/delivery-env.dto'),
  ],
  federation: () => [
    require('../../apps/federation/src/federation.module'),
    require('../../apps/federation/src/config/federation-env.dto'),
  ],
  sip2: () => [require('../../apps/sip2/src/sip2.module'), require('../../apps/sip2/src/config/sip2-env.dto')],
  statistics: () => [
    require('../../apps/statistics/src/statistics.module'),
    require('../../apps/statistics/src/config/statistics-env.dto'),
  ],
};

function loadsSwagger(load: () => unknown): boolean {
  let loaded = false;
  jest.isolateModules(() => {
    jest.doMock('@nestjs/swagger', () => {
      loaded = true;
      return jest.requireActual('@nestjs/swagger');
    });
    require('@app/common');
    require('@app/contracts');
    load();
  });
  jest.dontMock('@nestjs/swagger');
  return loaded;
}

describe('service module graphs', () => {
  jest.setTimeout(120_000);

  it.each(Object.keys(SERVICES))('%s does not load @nestjs/swagger', (name) => {
    expect(loadsSwagger(SERVICES[name])).toBe(false);
  });

  it('the check itself sees @nestjs/swagger when the gateway loads it', () => {
    expect(loadsSwagger(() => require('../../apps/gateway/src/gateway.module'))).toBe(true);
  });
});
