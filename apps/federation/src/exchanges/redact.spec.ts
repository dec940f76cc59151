import { redactNcip } from './redact';

describe('redactNcip', () => {
  it('hides PINs and passwords whatever the prefix and order, keeps barcodes', () => {
    const xml = `<ns1:LookupUser><ns1:AuthenticationInput><ns1:AuthenticationInputData>P0000001</ns1:AuthenticationInputData>
      <ns1:AuthenticationInputType>Barcode Id</ns1:AuthenticationInputType></ns1:AuthenticationInput>
      <AuthenticationInput><AuthenticationInputType>PIN</AuthenticationInputType><AuthenticationInputData>1234</AuthenticationInputData></AuthenticationInput>
      <x:AuthenticationInput><x:AuthenticationInputData>secret-pw</x:AuthenticationInputData><x:AuthenticationInputType x:Scheme="s">Password</x:AuthenticationInputType></x:AuthenticationInput>
      <FromAgencyAuthentication>agency-secret</FromAgencyAuthentication></ns1:LookupUser>`;
    const out = redactNcip(xml);
    expect(out).toContain('P0000001');
    expect(out).not.toMatch(/1234|secret-pw|agency-secret/);
    expect(out.match(/\*\*\*/g)).toHaveLength(3);
  });
});
