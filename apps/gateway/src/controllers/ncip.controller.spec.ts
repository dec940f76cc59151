import { ncipSchemaErrors } from '@app/testing';
import { isNcipRequest } from '../http/ncip-body.middleware';
import { NCIP_UNAVAILABLE_XML } from './ncip.controller';

jest.setTimeout(60_000); // xmllint (WebAssembly) is slow on a busy machine

describe('NCIP endpoint', () => {
  it('answers with a schema-valid Problem when the federation service is down', async () => {
    expect(await ncipSchemaErrors(NCIP_UNAVAILABLE_XML)).toEqual([]);
  });

  it.each([
    ['/ncip', true],
    ['/ncip/demo-partner-key', true],
    ['/ncip?x=1', true],
    ['/ncipx', false],
    ['/api/ncip', false],
  ])('takes the raw body of %s: %s', (url, expected) => {
    expect(isNcipRequest({ originalUrl: url })).toBe(expected);
  });
});
