import { EVENT_STREAM } from '@app/contracts';
import { eventually, ncipSamples, ncipSchemaErrors } from '@app/testing';
import { connect } from 'nats';
import { Client } from 'pg';
import { e2eEnv } from './e2e-env';

/**
 * NCIP 2.02 at POST /ncip against the whole suite (launched like `npm start`, demo data seeded): every
 * shared sample, strict and lenient, is answered with a response that validates against the XSD; the
 * demo partner 太仓 (key demo-partner-key) runs circulation and interlibrary requests; hostile and broken
 * input is refused cleanly and the service keeps answering.
 */
jest.setTimeout(60_000);
const env = e2eEnv();
const KSL = 'CN-320583-1-KSL';
const TCL = 'CN-320585-1-TCL';
const DEMO_KEY = 'demo-partner-key';
const NS = 'http://www.niso.org/2008/ncip';

interface Answer {
  status: number;
  xml: string;
  contentType: string | null;
}

async function ncip(
  xml: string,
  opts: { key?: string | null; path?: string; contentType?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/xml' };
  if (opts.key !== null && !opts.path) headers['x-ncip-key'] = opts.key ?? DEMO_KEY;
  const res = await fetch(`${env.gatewayUrl}${opts.path ?? '/ncip'}`, { method: 'POST', headers, body: xml });
  return { status: res.status, xml: await res.text(), contentType: res.headers.get('content-type') };
}

/** An answer must always validate; returns it for further checks. */
async function valid(a: Answer): Promise<Answer> {
  expect(a.contentType).toMatch(/^application\/xml/);
  expect(await ncipSchemaErrors(a.xml)).toEqual([]);
  return a;
}

const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${env.gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${env.apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
};

const problemType = (xml: string) => /ProblemType[^>]*>([^<]+)</.exec(xml)?.[1] ?? null;
const header = (from = TCL, to = KSL) =>
  `<InitiationHeader><FromAgencyId><AgencyId>${from}</AgencyId></FromAgencyId><ToAgencyId><AgencyId>${to}</AgencyId></ToAgencyId></InitiationHeader>`;
const msg = (service: string, body: string, from = TCL) =>
  `<?xml version="1.0" encoding="UTF-8"?><NCIPMessage xmlns="${NS}" version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd"><${service}>${header(from)}${body}</${service}></NCIPMessage>`;
const user = (barcode: string) => `<UserId><UserIdentifierValue>${barcode}</UserIdentifierValue></UserId>`;
const item = (barcode: string, agency?: string) =>
  `<ItemId>${agency ? `<AgencyId>${agency}</AgencyId>` : ''}<ItemIdentifierValue>${barcode}</ItemIdentifierValue></ItemId>`;
const requestId = (id: string) => `<RequestId><RequestIdentifierValue>${id}</RequestIdentifierValue></RequestId>`;

describe('NCIP 2.02 server (e2e, POST /ncip)', () => {
  describe('every shared sample, strict and lenient', () => {
    let sampleKey: string;
    beforeAll(async () => {
      // the samples' own agencies, registered as one partner whose key may act for all of them
      const aliases = [
        'UofC',
        'OCWMS',
        'NDOSU',
        'ENG',
        'MIT',
        'Relais',
        'LEHI',
        'Lehigh University',
        'CPomAG:massvc:TEST-QCC',
        'QCC_A',
        'registry_id',
      ];
      await api('PUT', '/api/federation/partners', {
        isil: 'US-NCIPSAMPLE',
        name: 'NCIP sample agencies',
        aliases,
        branch: 'TCL-MAIN',
      });
      sampleKey = (
        await api<{ key: string }>('POST', '/api/federation/partners/keys', { isil: 'US-NCIPSAMPLE', label: 'samples' })
      ).key;
    });

    // what each sample gets: its service's response, or a top-level problem for messages that are not requests
    const expected: Record<string, RegExp> = {
      '01-LookupVersion.xml': /<LookupVersionResponse>[\s\S]*<VersionSupported>http:\/\/www.niso.org\/2008\/ncip</,
      '03-LookupUser-AuthenticationInput.xml': /LookupUserResponse[\s\S]*Unknown User/,
      '05-AcceptItem-D2D.xml': /AcceptItemResponse[\s\S]*<ncip:ItemIdentifierValue>ABCDE</,
      '06-RequestItem.xml': /RequestItemResponse[\s\S]*Unknown Item/,
      '08-CancelRequestItem.xml': /CancelRequestItemResponse[\s\S]*Unknown Request/,
      '09-CheckOutItem-ILL-Mandated.xml': /CheckOutItemResponse[\s\S]*Unknown Item/,
      // 05 accepted ILL request 12345's item ABCDE; 12 checks it in by that request id: it was never lent
      '12-CheckInItem.xml': /CheckInItemResponse[\s\S]*Item Not Checked Out/,
      '14-RenewItem.xml': /RenewItemResponse[\s\S]*Item Not Checked Out/,
      '15-ItemShipped.xml': /Unsupported Service/,
      '16-DeleteItem.xml': /DeleteItemResponse[\s\S]*Unknown Item/,
      'lenient/18-LookupUser-FOLIO-unqualified-version.xml': /LookupUserResponse[\s\S]*Unknown User/,
      'lenient/19-RequestItem-FOLIO-no-namespace.xml': /RequestItemResponse[\s\S]*Unknown Item/,
      'lenient/20-LookupUser-Koha-AutoGraphics-DOCTYPE.xml': /LookupUserResponse[\s\S]*Unknown User/,
    };

    it.each(ncipSamples())('%s is answered with a schema-valid message', async (name, xml) => {
      const a = await valid(await ncip(xml, { key: sampleKey }));
      expect(a.status).toBe(200);
      // responses and notifications sent to us are not services we answer
      expect(a.xml).toMatch(expected[name] ?? /Unsupported Service/);
    });
  });

  describe('the demo partner 太仓 (key demo-partner-key)', () => {
    it('LookupVersion needs no key', async () => {
      const a = await valid(await ncip(ncipSamples().find(([n]) => n.startsWith('01-'))![1], { key: null }));
      expect(a.xml).toContain('<ServiceSupported>CheckOutItem</ServiceSupported>');
    });

    it('LookupUser with barcode and PIN; a wrong PIN is a problem, and PINs never reach the exchange log', async () => {
      const auth = (pin: string) =>
        `<AuthenticationInput><AuthenticationInputData>P0000001</AuthenticationInputData><AuthenticationDataFormatType>text</AuthenticationDataFormatType><AuthenticationInputType>Barcode Id</AuthenticationInputType></AuthenticationInput>` +
        `<AuthenticationInput><AuthenticationInputData>${pin}</AuthenticationInputData><AuthenticationDataFormatType>text</AuthenticationDataFormatType><AuthenticationInputType>PIN</AuthenticationInputType></AuthenticationInput>`;
      const ok = await valid(await ncip(msg('LookupUser', auth('1234'))));
      expect(ok.xml).toContain('张三');
      expect(ok.xml).toMatch(/<ncip:UserPrivilegeStatusType>Active</);
      expect(ok.xml).toMatch(/<ncip:FromAgencyId>\s*<ncip:AgencyId>CN-320583-1-KSL</); // From/To swapped
      const wrong = await valid(await ncip(msg('LookupUser', auth('9999'))));
      expect(problemType(wrong.xml)).toBe('User Authentication Failed');

      const log = await api<{ items: { request: string; outcome: string }[] }>(
        'GET',
        `/api/federation/exchanges?partner=${TCL}&service=LookupUser`,
      );
      expect(log.items.length).toBeGreaterThanOrEqual(2);
      for (const e of log.items) expect(e.request).not.toMatch(/>(1234|9999)</);
      expect(log.items.map((e) => e.outcome)).toEqual(expect.arrayContaining(['ok', 'problem']));
    });

    it('LookupItem reads an item of ours', async () => {
      const a = await valid(await ncip(msg('LookupItem', item('B0000002'))));
      expect(a.xml).toMatch(/<ncip:Title>[^<]+</);
      expect(a.xml).toMatch(/<ncip:CirculationStatus>Available On Shelf</);
    });

    it('CheckOutItem retried (same RequestId, then without one) makes one loan; CheckInItem then Item Not Checked Out', async () => {
      const out = msg('CheckOutItem', `${user('P0000001')}${item('B0000004')}${requestId('TCL-CO-1')}`);
      const first = await valid(await ncip(out));
      expect(first.xml).toMatch(/<ncip:DateDue>/);
      const retry = await valid(await ncip(out));
      expect(retry.xml).toBe(first.xml);
      const again = await valid(await ncip(msg('CheckOutItem', `${user('P0000001')}${item('B0000004')}`)));
      expect(again.xml).toMatch(/<ncip:DateDue>/);
      const loans = await api<{ items: { item: { barcode: string } }[] }>(
        'GET',
        `/api/patrons/${KSL}/P0000001/loans?status=all&limit=500`,
      );
      expect(loans.items.filter((l) => l.item.barcode === 'B0000004')).toHaveLength(1);
      const replays = await api<{ items: { outcome: string }[] }>(
        'GET',
        `/api/federation/exchanges?partner=${TCL}&service=CheckOutItem&outcome=replayed`,
      );
      expect(replays.items.length).toBeGreaterThanOrEqual(1);

      const other = await valid(await ncip(msg('CheckOutItem', `${user('P0000004')}${item('B0000004')}`)));
      expect(problemType(other.xml)).toBe('Resource Cannot Be Provided');

      const inn = await valid(await ncip(msg('CheckInItem', item('B0000004'))));
      expect(inn.xml).toMatch(/CheckInItemResponse[\s\S]*<ncip:UserIdentifierValue>P0000001</);
      const twice = await valid(await ncip(msg('CheckInItem', item('B0000004'))));
      expect(problemType(twice.xml)).toBe('Item Not Checked Out');
      expect(twice.xml).toMatch(/<ncip:ProblemElement>ItemId\/ItemIdentifierValue</);
      expect(twice.xml).toMatch(/<ncip:ProblemValue>B0000004</);
    });

    it('a CheckInItem retried after our answer was lost half-way gets its first outcome from loans (idempotency key), not Item Not Checked Out', async () => {
      await valid(await ncip(msg('CheckOutItem', `${user('P0000001')}${item('B0000027')}${requestId('TCL-CO-27')}`)));
      const checkin = msg('CheckInItem', `${item('B0000027')}${requestId('TCL-CI-27')}`);
      const first = await valid(await ncip(checkin));
      expect(first.xml).toMatch(/CheckInItemResponse[\s\S]*<ncip:UserIdentifierValue>P0000001</);
      const db = new Client({ connectionString: env.databaseUrl });
      await db.connect();
      try {
        const key = `ncip:${TCL}:CheckInItem:TCL-CI-27`;
        expect((await db.query(`SELECT state FROM loans.idempotency_keys WHERE key = $1`, [key])).rows[0]?.state).toBe(
          'committed',
        );
        // as if our answer had been lost before the replay table kept it: only loans remembers
        await db.query(
          `DELETE FROM federation.replays WHERE from_agency = $1 AND service = 'CheckInItem' AND idem_key = $2`,
          [TCL, 'TCL-CI-27'],
        );
      } finally {
        await db.end();
      }
      const retry = await valid(await ncip(checkin));
      expect(problemType(retry.xml)).toBeNull();
      expect(retry.xml).toMatch(/CheckInItemResponse[\s\S]*<ncip:UserIdentifierValue>P0000001</);
      // a new CheckInItem (another RequestId) of the same copy: it is not on loan
      const other = await valid(await ncip(msg('CheckInItem', `${item('B0000027')}${requestId('TCL-CI-28')}`)));
      expect(problemType(other.xml)).toBe('Item Not Checked Out');
    });

    it("RenewItem renews our reader's loan; refusals come back as problems", async () => {
      await valid(await ncip(msg('CheckOutItem', `${user('P0000001')}${item('B0000006')}`)));
      const r = await valid(await ncip(msg('RenewItem', `${user('P0000001')}${item('B0000006')}`)));
      expect(r.xml).toMatch(/<ncip:RenewalCount>1</);
      const limit = await valid(await ncip(msg('RenewItem', `${user('P0000001')}${item('B0000006')}`)));
      expect(problemType(limit.xml)).toBe('Maximum Renewals Exceeded');
      const blocked = await valid(await ncip(msg('CheckOutItem', `${user('P0000002')}${item('B0000007')}`)));
      expect(problemType(blocked.xml)).toBe('User Blocked');
      await valid(await ncip(msg('CheckInItem', item('B0000006'))));
    });

    it('lending: RequestItem places a hold for the partner; CancelRequestItem cancels it; every transition is recorded', async () => {
      const req = await valid(
        await ncip(
          msg(
            'RequestItem',
            `${user('TCL0000001')}${item('B0000008')}${requestId('TCL-REQ-7')}<RequestType>Loan</RequestType><RequestScopeType>Item</RequestScopeType>`,
          ),
        ),
      );
      expect(req.xml).toMatch(/RequestItemResponse[\s\S]*<ncip:RequestIdentifierValue>TCL-REQ-7</);
      const again = await valid(
        await ncip(
          msg(
            'RequestItem',
            `${user('TCL0000001')}${item('B0000008')}${requestId('TCL-REQ-7')}<RequestType>Loan</RequestType><RequestScopeType>Item</RequestScopeType>`,
          ),
        ),
      );
      expect(again.xml).toBe(req.xml);
      const list = await api<{ items: { id: string; partnerRequestId: string; state: string; holdId: string }[] }>(
        'GET',
        `/api/federation/requests?direction=lending&partner=${TCL}`,
      );
      const r = list.items.find((x) => x.partnerRequestId === 'TCL-REQ-7')!;
      expect(r).toMatchObject({ state: 'requested', holdId: expect.any(String) });

      const cancel = await valid(
        await ncip(
          msg('CancelRequestItem', `${user('TCL0000001')}${requestId('TCL-REQ-7')}<RequestType>Loan</RequestType>`),
        ),
      );
      expect(cancel.xml).toMatch(/CancelRequestItemResponse[\s\S]*TCL-REQ-7/);
      const detail = await api<{
        state: string;
        transitions: { from: string | null; to: string; actor: string; reason: string }[];
      }>('GET', `/api/federation/requests/${r.id}`);
      expect(detail.state).toBe('cancelled');
      expect(detail.transitions).toEqual([
        expect.objectContaining({ from: null, to: 'requested', actor: `ncip:${TCL}`, reason: 'RequestItem' }),
        expect.objectContaining({
          from: 'requested',
          to: 'cancelled',
          actor: `ncip:${TCL}`,
          reason: 'CancelRequestItem',
        }),
      ]);
      const holds = await api<{ items: { id: string; status: string }[] }>(
        'GET',
        `/api/holds?patronAgency=${KSL}&patronBarcode=ILL-${TCL}&status=all`,
      );
      expect(holds.items.find((h) => h.id === r.holdId)?.status).toBe('cancelled');
    });

    it('borrowing: AcceptItem makes a temporary copy owned by 太仓, lent here, checked in, deleted when complete', async () => {
      const accept = await valid(
        await ncip(
          msg(
            'AcceptItem',
            `${requestId('TCL-ILL-42')}<RequestedActionType>Circulate</RequestedActionType>${user('P0000001')}${item('T0000042', TCL)}<ItemOptionalFields><BibliographicDescription><Author>钱锺书</Author><Title>管锥编</Title></BibliographicDescription></ItemOptionalFields>`,
          ),
        ),
      );
      expect(accept.xml).toMatch(/AcceptItemResponse[\s\S]*<ncip:ItemIdentifierValue>T0000042</);
      const temp = await api<{ agency: string; title: string; status: string }>('GET', `/api/items/${TCL}/T0000042`);
      expect(temp).toMatchObject({ agency: TCL, title: '管锥编', status: 'available', suppressed: true });
      // suppressed: readers' searches never show the temporary copy or its record; staff find it by barcode
      const byTitle = await api<{ items: { barcode: string }[] }>(
        'GET',
        `/api/items?title=${encodeURIComponent('管锥编')}`,
      );
      expect(byTitle.items.map((i) => i.barcode)).not.toContain('T0000042');
      const records = await api<{ items: { title: string }[] }>(
        'GET',
        `/api/records?title=${encodeURIComponent('管锥编')}`,
      );
      expect(records.items).toEqual([]);
      const byBarcode = await api<{ items: { agency: string }[] }>('GET', '/api/items?barcode=T0000042');
      expect(byBarcode.items.map((i) => i.agency)).toEqual([TCL]);

      const borrowing = async () =>
        (
          await api<{ items: { id: string; partnerRequestId: string; state: string }[] }>(
            'GET',
            `/api/federation/requests?direction=borrowing&partner=${TCL}`,
          )
        ).items.find((x) => x.partnerRequestId === 'TCL-ILL-42')!;
      expect((await borrowing()).state).toBe('received');
      const out = await api<{ loan: { id: string; dueDate: string; dueAt: string } }>(
        'POST',
        '/api/circulation/checkout',
        {
          patron: { agency: KSL, barcode: 'P0000001' },
          item: { agency: TCL, barcode: 'T0000042' },
          branch: 'KSL-MAIN',
        },
      );
      expect(out.loan.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      await eventually(async () => (await borrowing()).state === 'loaned');

      // 太仓 wants it back: our reader's loan becomes due within the agreement's recall period (7 days)
      const recall = await valid(await ncip(msg('RecallItem', item('T0000042', TCL))));
      const recalledDue = /<ncip:DateDue>([^<]+)</.exec(recall.xml)?.[1];
      expect(recalledDue).toBeDefined();
      expect(new Date(recalledDue!).getTime()).toBeLessThan(new Date(out.loan.dueAt).getTime());
      expect(new Date(recalledDue!).getTime()).toBeLessThan(Date.now() + 9 * 86_400_000);
      const onLoan = await api<{ items: { item: { barcode: string }; dueAt: string }[] }>(
        'GET',
        `/api/patrons/${KSL}/P0000001/loans?limit=500`,
      );
      expect(onLoan.items.find((l) => l.item.barcode === 'T0000042')?.dueAt).toBe(recalledDue);
      expect((await borrowing()).state).toBe('recalled');
      // a repeated recall changes nothing
      const twice = await valid(await ncip(msg('RecallItem', item('T0000042', TCL))));
      expect(/<ncip:DateDue>([^<]+)</.exec(twice.xml)?.[1]).toBe(recalledDue);

      await api('POST', '/api/circulation/checkin', { item: { agency: TCL, barcode: 'T0000042' }, branch: 'KSL-MAIN' });
      await eventually(async () => (await borrowing()).state === 'returned');

      // our reader was told of the recall once, with the new due date; the repeated RecallItem told nothing
      // more. Federation saw the return, so every recall event (relayed before it, in order) is in the
      // stream; once the notifier's consumer has nothing pending, the notices are final
      const nc = await connect({ servers: env.natsUrl });
      try {
        const jsm = await nc.jetstreamManager();
        await eventually(async () => {
          const c = await jsm.consumers.info(EVENT_STREAM, 'delivery-notifier-recalls');
          return c.num_pending === 0 && c.num_ack_pending === 0;
        });
      } finally {
        await nc.close();
      }
      const recalled = ((await (await fetch(`${env.noticeSinkUrl}/notices`)).json()) as SinkNotice[]).filter(
        (n) => n.template === 'recalled' && n.loanId === out.loan.id,
      );
      expect(recalled).toHaveLength(1);
      expect(recalled[0]).toMatchObject({ orderId: null, patron: { agency: KSL, barcode: 'P0000001' } });
      const localDue = new Intl.DateTimeFormat('zh-CN', {
        timeZone: 'Asia/Shanghai',
        month: '2-digit',
        day: '2-digit',
      }).formatToParts(new Date(recalledDue!));
      const [month, day] = ['month', 'day'].map((t) => localDue.find((p) => p.type === t)!.value);
      expect(recalled[0].params.dueDate.startsWith(`${month}月${day}日`)).toBe(true);

      const del = await valid(await ncip(msg('DeleteItem', item('T0000042', TCL))));
      expect(del.xml).toMatch(/DeleteItemResponse[\s\S]*T0000042/);
      expect((await api<{ status: string }>('GET', `/api/items/${TCL}/T0000042`)).status).toBe('withdrawn');
      const done = await api<{ state: string; transitions: { to: string; actor: string }[] }>(
        'GET',
        `/api/federation/requests/${(await borrowing()).id}`,
      );
      expect(done.state).toBe('completed');
      expect(done.transitions.map((t) => t.to)).toEqual([
        'requested',
        'received',
        'loaned',
        'recalled',
        'returned',
        'completed',
      ]);
      expect(done.transitions.find((t) => t.to === 'loaned')?.actor).toBe('circulation');
    });

    it('the key also works as /ncip/<key>, and with Authorization: Bearer', async () => {
      const a = await valid(await ncip(msg('LookupItem', item('B0000002')), { path: `/ncip/${DEMO_KEY}` }));
      expect(a.xml).toContain('LookupItemResponse');
      const res = await fetch(`${env.gatewayUrl}/ncip`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'text/xml' },
        body: msg('LookupItem', item('B0000002')),
      });
      expect(await res.text()).toContain('LookupItemResponse');
    });
  });

  describe('refused cleanly, and the service keeps answering', () => {
    const topLevel = async (a: Answer, type: string) => {
      await valid(a);
      expect(a.xml).toMatch(/<ncip:NCIPMessage[^>]*>\s*<ncip:Problem>/);
      expect(problemType(a.xml)).toBe(type);
    };

    it('a wrong key, no key, or a key used for another agency: Agency Authentication Failed', async () => {
      await topLevel(
        await ncip(msg('LookupItem', item('B0000002')), { key: 'not-a-partner-key' }),
        'Agency Authentication Failed',
      );
      await topLevel(await ncip(msg('LookupItem', item('B0000002')), { key: null }), 'Agency Authentication Failed');
      await topLevel(
        await ncip(msg('LookupItem', item('B0000002')), { path: '/ncip/wrong-key-in-path' }),
        'Agency Authentication Failed',
      );
      const spoof = await ncip(msg('LookupItem', item('B0000002'), 'CN-320583-1-KSL'));
      await topLevel(spoof, 'Agency Authentication Failed');
      expect(spoof.xml).toMatch(/<ncip:ProblemValue>CN-320583-1-KSL</);
    });

    it.each([
      [
        'XXE',
        `<?xml version="1.0"?><!DOCTYPE NCIPMessage [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><NCIPMessage xmlns="${NS}"><LookupUser>${user('&xxe;')}</LookupUser></NCIPMessage>`,
      ],
      [
        'billion laughs',
        `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><NCIPMessage>&lol2;</NCIPMessage>`,
      ],
      ['broken XML', `<NCIPMessage xmlns="${NS}"><LookupUser><UserId></LookupUser>`],
      ['JSON', '{"LookupUser":{}}'],
      ['an empty body', ''],
    ])('%s: Invalid Message Syntax Error', async (_name, xml) => {
      const a = await ncip(xml);
      expect(a.status).toBe(200);
      await topLevel(a, 'Invalid Message Syntax Error');
      expect(a.xml).not.toContain('root:');
    });

    it('an oversized body: 413 with an NCIP problem', async () => {
      const big = msg('LookupItem', `${item('B0000002')}<Ext>${'x'.repeat(300 * 1024)}</Ext>`);
      const a = await ncip(big);
      expect(a.status).toBe(413);
      await topLevel(a, 'Invalid Message Syntax Error');
    });

    it('an unknown service: Unsupported Service', async () => {
      const a = await ncip(msg('CreateUser', user('X1')));
      await topLevel(a, 'Unsupported Service');
      expect(a.xml).toMatch(/<ncip:ProblemValue>CreateUser</);
    });

    it('still answers after all that', async () => {
      const a = await valid(await ncip(msg('LookupItem', item('B0000003'))));
      expect(a.xml).toContain('LookupItemResponse');
    });
  });
});

/** A notice as the notifier's webhook posted it to the e2e sink. */
interface SinkNotice {
  orderId: string | null;
  loanId?: string;
  template: string;
  patron: { agency: string; barcode: string };
  params: Record<string, string>;
}
