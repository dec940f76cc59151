import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { ncipSamples, ncipSchemaErrors } from '@app/testing';
import { fuzzParams } from '@app/testing/fuzz';
import { FederationEnvDto } from '../config/federation-env.dto';
import { ExchangeLogService, ExchangeRecord } from '../exchanges/exchange-log.service';
import { DEFAULT_AGREEMENT, KeyPrincipal, PartnerRegistryService } from '../partners/partner-registry.service';
import { NcipHandlersService } from './ncip-handlers.service';
import {
  NcipProblemError,
  problem,
  ProblemSchemes,
  readAuthentication,
  readDate,
  readItemId,
  readRequest,
  readRequestId,
  readUserId,
} from './ncip-message';
import { NcipServerService } from './ncip-server.service';
import { parseXml, XmlRefused } from './ncip-xml';

/**
 * Fuzzing the lenient NCIP reader: whatever a partner (or an attacker) posts — arbitrary text, or a
 * real sample message mutated (cut, spliced with markup, entities, DOCTYPEs, control characters, deep
 * nesting) — parsing throws nothing but XmlRefused, reading nothing but NcipProblemError, and the
 * server always answers a document that validates against the XSD; input it cannot read gets a
 * top-level Problem.
 */
const params = fuzzParams(300);
// every answer goes through xmllint (WebAssembly, about a second each on a busy machine): fewer runs
const serviceParams = { ...params, numRuns: Math.max(20, Math.round(params.numRuns / 12)) };
const TCL = 'CN-320585-1-TCL';
const KSL = 'CN-320583-1-KSL';
const samples = ncipSamples().map(([, xml]) => xml);

/** text and markup that exercise the reader's edges */
const fragment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 20, unit: 'binary' }),
  fc.constantFrom(
    '<',
    '>',
    '&',
    '&amp;',
    '&#0;',
    '&#1;',
    '&#x1F;',
    '&#xD800;',
    '&#xFFFE;',
    '&#1114112;',
    '&lol;',
    ']]>',
    '<![CDATA[x<y]]>',
    '<!-- c -->',
    '<?pi x?>',
    '<!DOCTYPE NCIPMessage SYSTEM "http://www.niso.org/ncip/v1_0/imp1/dtd/ncip_v1_0.dtd">',
    '<!DOCTYPE x [<!ENTITY a "b">]>',
    '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
    '\uFEFF',
    '\u0000',
    '\u0001',
    '\uFFFF',
    ' xmlns="urn:other"',
    ' xmlns:n="http://www.niso.org/2008/ncip"',
    ' ncip:version="x"',
    '<ItemId><ItemIdentifierValue>\u0007</ItemIdentifierValue></ItemId>',
    '<RequestId><RequestIdentifierValue>R 1</RequestIdentifierValue></RequestId>',
    '<FromAgencyId><AgencyId>&#2;</AgencyId></FromAgencyId>',
    '<DesiredDateDue>not a date</DesiredDateDue>',
    '<a>'.repeat(40) + '</a>'.repeat(40),
    '</NCIPMessage>',
    '<NCIPMessage>',
  ),
);

type Edit = { at: number; cut: number; insert: string };
const edit = fc.record({ at: fc.nat(), cut: fc.nat({ max: 40 }), insert: fragment });

function mutate(xml: string, edits: Edit[]): string {
  let s = xml;
  for (const e of edits) {
    const at = s.length ? e.at % (s.length + 1) : 0;
    s = s.slice(0, at) + e.insert + s.slice(at + e.cut);
  }
  return s;
}

const mutatedSample = fc
  .tuple(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 6 }))
  .map(([xml, edits]) => mutate(xml, edits));
const anyInput = fc.oneof(
  { weight: 3, arbitrary: mutatedSample },
  { weight: 1, arbitrary: fc.string({ maxLength: 400 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.array(fragment, { maxLength: 20 }).map((a) => a.join('')) },
);

/** read as the server does; anything thrown must be one of the two typed refusals */
function readLeniently(xml: string): 'read' | 'refused' {
  let root;
  try {
    root = parseXml(xml, { maxBytes: 256 * 1024, maxDepth: 32 });
  } catch (e) {
    expect(e).toBeInstanceOf(XmlRefused);
    return 'refused';
  }
  try {
    const req = readRequest(root);
    readUserId(req.node);
    readItemId(req.node);
    readRequestId(req.node);
    readAuthentication(req.node);
    for (const d of ['DesiredDateDue', 'DateForReturn']) {
      try {
        readDate(req.node, d);
      } catch (e) {
        expect(e).toBeInstanceOf(NcipProblemError);
      }
    }
    return 'read';
  } catch (e) {
    expect(e).toBeInstanceOf(NcipProblemError);
    return 'refused';
  }
}

/** The responder with its surroundings faked: the key `k` is 太仓's; every service refuses with a problem. */
function server(): NcipServerService {
  const env = Object.assign(new FederationEnvDto(), { LIBRARY_ISIL: KSL });
  const principal: KeyPrincipal = {
    keyId: 'key-1',
    allowedAgencyIds: [TCL, 'TCL'],
    partner: {
      isil: TCL,
      name: '太仓市图书馆',
      aliases: ['TCL'],
      branch: null,
      active: true,
      agreement: { ...DEFAULT_AGREEMENT, cardPrefix: null, cardPattern: null },
      ncip: {
        endpoint: null,
        namespaceStyle: 'prefixed',
        timeoutMs: 1000,
        retries: 0,
        hasOutboundKey: false,
        outboundKey: null,
      },
    },
  };
  const partners = { authenticate: (key: string) => Promise.resolve(key === 'k' ? principal : null) };
  const logged: ExchangeRecord[] = [];
  const exchanges = { record: (e: ExchangeRecord) => Promise.resolve(void logged.push(e)) };
  const refuse = () => Promise.reject(problem('Unknown Item', ProblemSchemes.general, 'fuzz', 'ItemId', 'x'));
  const handlers = new Proxy({}, { get: () => refuse });
  const manager = { query: () => Promise.resolve([]) };
  const db = { transaction: (fn: (m: typeof manager) => Promise<unknown>) => fn(manager) };
  return new NcipServerService(
    env,
    partners as unknown as PartnerRegistryService,
    exchanges as unknown as ExchangeLogService,
    handlers as unknown as NcipHandlersService,
    db as unknown as DataSource,
  );
}

describe('the lenient NCIP reader under fuzzing', () => {
  it('parses and reads any input, or refuses it with XmlRefused / NcipProblemError only', () => {
    fc.assert(
      fc.property(anyInput, (xml) => {
        readLeniently(xml);
      }),
      params,
    );
  });

  it('still reads real samples after harmless changes (whitespace, BOM, prefix)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.constantFrom('', '\uFEFF', '  \n'), (xml, lead) => {
        expect(readLeniently(lead + xml)).toBe('read');
      }),
      { ...params, numRuns: Math.min(params.numRuns, 60) },
    );
  });

  it('control characters echoed from the input (a parser message quoting a NUL, &#1; in an AgencyId) never break the answer', async () => {
    const ncip = server();
    const checkIn = samples.find((x) => /<(\w+:)?CheckInItem>/.test(x))!;
    const withControl = checkIn.replace(/(<(?:\w+:)?AgencyId\b[^>]*>)[^<]*(<\/)/, '$1T&#1;CL&#xFFFE;$2');
    expect(withControl).toContain('T&#1;CL');
    for (const xml of ['\u0000', '<a>\u0001</a>', withControl]) {
      const answer = await ncip.exchange({ xml, key: 'k' });
      expect(await ncipSchemaErrors(answer.xml)).toEqual([]);
      expect(answer.xml).toMatch(/<ncip:Problem>/);
    }
    // version discovery echoes the caller's agency id (no key needed): it must parse too
    const version = samples[0].replace(/<Value>UofC<\/Value>/, '<Value>U&#2;ofC</Value>');
    expect(await ncipSchemaErrors((await ncip.exchange({ xml: version })).xml)).toEqual([]);
  }, 60_000);

  it('the server answers every input with a document that validates; unreadable input with a top-level Problem', async () => {
    const ncip = server();
    await fc.assert(
      fc.asyncProperty(anyInput, fc.constantFrom('k', 'wrong', undefined), async (xml, key) => {
        const readable = readLeniently(xml) === 'read';
        const answer = await ncip.exchange({ xml, key });
        expect(await ncipSchemaErrors(answer.xml)).toEqual([]);
        if (!readable) {
          expect(answer.xml).toMatch(/<ncip:NCIPMessage[^>]*>\s*<ncip:Problem>/);
          expect(answer.xml).toMatch(/<ncip:ProblemType[^>]*>/);
        }
      }),
      serviceParams,
    );
    // each answer goes through xmllint (WebAssembly): seconds, not milliseconds
  }, 180_000);
});
