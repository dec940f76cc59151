import { INestMicroservice } from '@nestjs/common';
import {
  ErrorCode,
  EventSubjects,
  Page,
  PatronsClearPinThrottle,
  PatronsGetPinThrottle,
  PatronSubjects,
  PatronView,
  PinThrottleView,
  VerifyPinResult,
} from '@app/contracts';
import {
  createRpcTestClient,
  createTestEnvironment,
  eventually,
  RpcTestClient,
  startTestService,
  TestEnvironment,
} from '@app/testing';
import { JSONCodec } from 'nats';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PatronsEnvDto } from './config/patrons-env.dto';
import { PatronEntity } from './entities/patron.entity';
import { PatronsModule } from './patrons.module';
import { PatronRepository } from './repositories/patron.repository';

/** A calendar date in Asia/Shanghai, `days` from today there; computed independently of the service. */
function shanghaiDate(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe('patrons service (real PostgreSQL + NATS)', () => {
  let env: TestEnvironment;
  let app: INestMicroservice;
  let rpc: RpcTestClient;
  let db: Client;
  const KSL = 'CN-320583-1-KSL';
  const TCL = 'CN-320585-1-TCL';

  const patron = (barcode: string, extra: Record<string, unknown> = {}) => ({
    agency: KSL,
    barcode,
    name: '张三',
    patronType: 'adult',
    homeBranch: 'KSL-MAIN',
    cardExpiresOn: shanghaiDate(365),
    pin: '1234',
    ...extra,
  });
  const verify = (barcode: string, pin: string, agency = KSL) =>
    rpc.request<VerifyPinResult>(PatronSubjects.verifyPin, { agency, barcode, pin });
  const expectNoSecrets = (value: unknown) => {
    const json = JSON.stringify(value);
    expect(json).not.toMatch(/scrypt\$/);
    expect(json).not.toMatch(/pinHash|pin_hash|pinFailed/i);
  };

  beforeAll(async () => {
    env = await createTestEnvironment('patrons');
    app = await startTestService({
      name: 'patrons',
      envClass: PatronsEnvDto,
      env: env.env({ LIBRARY_TIMEZONE: 'Asia/Shanghai' }),
      register: PatronsModule.register,
    });
    rpc = await createRpcTestClient(env.natsUrl);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await rpc?.close();
    await app?.close();
    await env?.stop();
  });

  it('creates a patron, gets it by (agency, barcode) and finds it by name and barcode prefix', async () => {
    const created = await rpc.request<PatronView>(
      PatronSubjects.create,
      patron('P1000001', { name: '李清照', email: 'li@example.cn', phone: '13800000000' }),
    );
    expect(created).toMatchObject({
      agency: KSL,
      barcode: 'P1000001',
      name: '李清照',
      patronType: 'adult',
      status: 'active',
      blocks: [],
      expired: false,
      circulationBlocked: false,
      email: 'li@example.cn',
      cardExpiresOn: shanghaiDate(365),
    });
    expectNoSecrets(created);

    const got = await rpc.request<PatronView>(PatronSubjects.get, { agency: KSL, barcode: 'P1000001' });
    expect(got.id).toBe(created.id);
    expectNoSecrets(got);

    await rpc.request(PatronSubjects.create, patron('P1000002', { name: '李白' }));
    await rpc.request(PatronSubjects.create, patron('Q2000001', { name: 'Wang Wei', agency: TCL }));
    const byName = await rpc.request<Page<PatronView>>(PatronSubjects.search, { q: '清' });
    expect(byName.items.map((p) => p.barcode)).toEqual(['P1000001']);
    const byPrefix = await rpc.request<Page<PatronView>>(PatronSubjects.search, { q: 'P10000', limit: 1 });
    expect(byPrefix).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(byPrefix.items).toHaveLength(1);
    const caseInsensitive = await rpc.request<Page<PatronView>>(PatronSubjects.search, { q: 'wang', agency: TCL });
    expect(caseInsensitive.items.map((p) => p.barcode)).toEqual(['Q2000001']);
    const otherAgency = await rpc.request<Page<PatronView>>(PatronSubjects.search, { q: 'wang', agency: KSL });
    expect(otherAgency.total).toBe(0);
    // LIKE wildcards are literal
    expect((await rpc.request<Page<PatronView>>(PatronSubjects.search, { q: '%' })).total).toBe(0);
    expectNoSecrets(byName);

    const [row] = (await db.query(`SELECT pin_hash FROM patrons.patrons WHERE barcode = 'P1000001'`)).rows;
    expect(row.pin_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
  });

  it('answers a duplicate card with CONFLICT, an unknown one with PATRON_UNKNOWN and bad input with VALIDATION_FAILED', async () => {
    await rpc.request(PatronSubjects.create, patron('DUP1'));
    // the same barcode in another agency is a different patron
    await rpc.request(PatronSubjects.create, patron('DUP1', { agency: TCL }));
    await expect(rpc.request(PatronSubjects.create, patron('DUP1'))).rejects.toMatchObject({
      payload: { code: ErrorCode.Conflict },
    });

    await expect(rpc.request(PatronSubjects.get, { agency: KSL, barcode: 'NOPE' })).rejects.toMatchObject({
      payload: { code: ErrorCode.PatronUnknown },
    });
    await expect(verify('NOPE', '1234')).rejects.toMatchObject({ payload: { code: ErrorCode.PatronUnknown } });
    await expect(
      rpc.request(PatronSubjects.setBlock, { agency: KSL, barcode: 'NOPE', block: 'manual', active: true }),
    ).rejects.toMatchObject({
      payload: { code: ErrorCode.PatronUnknown },
    });
    await expect(rpc.request(PatronSubjects.update, { agency: KSL, barcode: 'NOPE', name: 'x' })).rejects.toMatchObject(
      {
        payload: { code: ErrorCode.PatronUnknown },
      },
    );

    const invalid = (body: Record<string, unknown>, field: string) =>
      expect(rpc.request(PatronSubjects.create, body)).rejects.toMatchObject({
        payload: {
          code: ErrorCode.ValidationFailed,
          details: { fields: expect.arrayContaining([expect.objectContaining({ field })]) },
        },
      });
    await invalid(patron('V1', { patronType: 'vip' }), 'patronType');
    await invalid(patron('V2', { pin: '12' }), 'pin');
    await invalid(patron('V3', { cardExpiresOn: '2028-02-30' }), 'cardExpiresOn');
    await invalid(patron('V4', { cardExpiresOn: '2028-12-31T00:00:00Z' }), 'cardExpiresOn');
    await invalid(patron('V5', { agency: 'not-an-isil' }), 'agency');
    await invalid(patron('V6', { pinHash: 'scrypt$1$1$1$x$y' }), 'pinHash');
  });

  it('verifies the right PIN and rejects a wrong one; a PIN change takes effect at once', async () => {
    await rpc.request(PatronSubjects.create, patron('PIN1', { pin: '482913' }));
    const ok = await verify('PIN1', '482913');
    expect(ok).toMatchObject({ valid: true, throttled: false, patron: { barcode: 'PIN1' } });
    expectNoSecrets(ok);
    // served from the verified-PIN cache the second time; still valid
    expect((await verify('PIN1', '482913')).valid).toBe(true);
    expect(await verify('PIN1', '000000')).toMatchObject({ valid: false, throttled: false });

    const updated = await rpc.request<PatronView>(PatronSubjects.update, {
      agency: KSL,
      barcode: 'PIN1',
      pin: '777777',
      phone: '13900000000',
    });
    expect(updated).toMatchObject({ name: '张三', phone: '13900000000' }); // partial: name kept
    expectNoSecrets(updated);
    expect((await verify('PIN1', '482913')).valid).toBe(false); // old PIN no longer accepted (cache invalidated)
    expect((await verify('PIN1', '777777')).valid).toBe(true);
  });

  it('throttles after 5 wrong PINs in 15 minutes without checking the PIN, until the window passes', async () => {
    await rpc.request(PatronSubjects.create, patron('THR1', { pin: '5555' }));
    for (let i = 0; i < 5; i++) expect(await verify('THR1', '0000')).toMatchObject({ valid: false, throttled: false });
    // even the right PIN is refused now: it is not checked
    expect(await verify('THR1', '5555')).toMatchObject({ valid: false, throttled: true, patron: { barcode: 'THR1' } });
    expect(await verify('THR1', '0000')).toMatchObject({ valid: false, throttled: true });
    const [row] = (await db.query(`SELECT pin_failed_count FROM patrons.patrons WHERE barcode = 'THR1'`)).rows;
    expect(row.pin_failed_count).toBe(5);

    // the window (counted from the first failure) has passed
    await db.query(
      `UPDATE patrons.patrons SET pin_failed_window_start = now() - interval '16 minutes' WHERE barcode = 'THR1'`,
    );
    await db.query(`UPDATE patrons.pin_failures SET window_start = now() - interval '16 minutes'`);
    expect(await verify('THR1', '5555')).toMatchObject({ valid: true, throttled: false });
  });

  it('throttles wrong PINs per origin: guessing at one kiosk does not lock the reader out elsewhere; staff see why and clear it (issue 14)', async () => {
    await rpc.request(PatronSubjects.create, patron('ORG1', { pin: '2468' }));
    const from = (origin: string, pin: string) =>
      rpc.request<VerifyPinResult>(PatronSubjects.verifyPin, { agency: KSL, barcode: 'ORG1', pin, origin });
    for (let i = 0; i < 5; i++)
      expect(await from('sip2:attacked-kiosk', '0000')).toMatchObject({ valid: false, throttled: false });
    expect(await from('sip2:attacked-kiosk', '2468')).toMatchObject({ valid: false, throttled: true });
    // the reader at another kiosk or at the desk: checked and accepted
    expect(await from('sip2:kiosk02', '2468')).toMatchObject({ valid: true, throttled: false });
    expect(await from('http:desk-1', '2468')).toMatchObject({ valid: true, throttled: false });

    const state = await rpc.request<PinThrottleView>(PatronsGetPinThrottle.subject, { agency: KSL, barcode: 'ORG1' });
    expect(state).toMatchObject({
      throttled: false,
      origins: [{ origin: 'sip2:attacked-kiosk', failures: 5, throttled: true }],
    });
    expect(state.reason).toMatch(/sip2:attacked-kiosk/);
    const cleared = await rpc.request<PinThrottleView>(PatronsClearPinThrottle.subject, {
      agency: KSL,
      barcode: 'ORG1',
    });
    expect(cleared).toEqual({ failures: 0, throttled: false, throttledUntil: null, origins: [], reason: null });
    expect(await from('sip2:attacked-kiosk', '2468')).toMatchObject({ valid: true, throttled: false });
  });

  it('wrong PINs spread over many origins reach the card-wide ceiling (20): throttled everywhere, visible, clearable', async () => {
    await rpc.request(PatronSubjects.create, patron('ORG2', { pin: '1357' }));
    const from = (origin: string, pin: string) =>
      rpc.request<VerifyPinResult>(PatronSubjects.verifyPin, { agency: KSL, barcode: 'ORG2', pin, origin });
    for (let o = 0; o < 4; o++)
      for (let i = 0; i < 5; i++) expect((await from(`sip2:k${o}`, '0000')).throttled).toBe(false);
    expect(await from('http:desk-1', '1357')).toMatchObject({ valid: false, throttled: true });
    const state = await rpc.request<PinThrottleView>(PatronsGetPinThrottle.subject, { agency: KSL, barcode: 'ORG2' });
    expect(state).toMatchObject({ failures: 20, throttled: true, throttledUntil: expect.any(String) });
    expect(state.reason).toMatch(/not checked anywhere/);
    await rpc.request(PatronsClearPinThrottle.subject, { agency: KSL, barcode: 'ORG2' });
    expect(await from('http:desk-1', '1357')).toMatchObject({ valid: true, throttled: false });
  });

  it('resets the wrong-PIN counter on a correct PIN', async () => {
    await rpc.request(PatronSubjects.create, patron('THR2', { pin: '6666' }));
    for (let i = 0; i < 4; i++) expect((await verify('THR2', '0000')).throttled).toBe(false);
    expect((await verify('THR2', '6666')).valid).toBe(true);
    const [row] = (
      await db.query(`SELECT pin_failed_count, pin_failed_window_start FROM patrons.patrons WHERE barcode = 'THR2'`)
    ).rows;
    expect(row).toEqual({ pin_failed_count: 0, pin_failed_window_start: null });
    for (let i = 0; i < 4; i++) expect((await verify('THR2', '0000')).throttled).toBe(false);
    expect((await verify('THR2', '6666')).valid).toBe(true);
  });

  it('counts parallel wrong PINs exactly (the limit holds under concurrency)', async () => {
    await rpc.request(PatronSubjects.create, patron('THR3', { pin: '7777' }));
    const results = await Promise.all(Array.from({ length: 12 }, () => verify('THR3', '0000')));
    expect(results.filter((r) => !r.throttled)).toHaveLength(5);
    expect(results.every((r) => !r.valid)).toBe(true);
  });

  it('derives `expired` from the expiry date in Asia/Shanghai', async () => {
    const yesterday = await rpc.request<PatronView>(
      PatronSubjects.create,
      patron('EXP1', { cardExpiresOn: shanghaiDate(-1) }),
    );
    expect(yesterday).toMatchObject({
      cardExpiresOn: shanghaiDate(-1),
      expired: true,
      circulationBlocked: true,
      blocks: [],
    });
    const today = await rpc.request<PatronView>(
      PatronSubjects.create,
      patron('EXP2', { cardExpiresOn: shanghaiDate(0) }),
    );
    expect(today).toMatchObject({ expired: false, circulationBlocked: false }); // valid through the expiry day
    // an expired card can still prove its PIN; circulation decides on circulationBlocked
    expect(await verify('EXP1', '1234')).toMatchObject({
      valid: true,
      patron: { expired: true, circulationBlocked: true },
    });
    // renewing the card lifts it
    const renewed = await rpc.request<PatronView>(PatronSubjects.update, {
      agency: KSL,
      barcode: 'EXP1',
      cardExpiresOn: shanghaiDate(30),
    });
    expect(renewed).toMatchObject({ expired: false, circulationBlocked: false });
  });

  it('blocks circulation for a lost card, inactive status and lifts blocks again', async () => {
    await rpc.request(PatronSubjects.create, patron('BLK1'));
    const lost = await rpc.request<PatronView>(PatronSubjects.setBlock, {
      agency: KSL,
      barcode: 'BLK1',
      block: 'card_lost',
      active: true,
      reason: '读者电话挂失',
      actor: 'staff:0042',
    });
    expect(lost).toMatchObject({ blocks: ['card_lost'], circulationBlocked: true, expired: false });
    expect(lost.blockDetails?.card_lost).toMatchObject({ reason: '读者电话挂失', actor: 'staff:0042' });
    const both = await rpc.request<PatronView>(PatronSubjects.setBlock, {
      agency: KSL,
      barcode: 'BLK1',
      block: 'manual',
      active: true,
      reason: 'x',
    });
    expect(both.blocks).toEqual(['card_lost', 'manual']);
    expect(
      (await rpc.request<PatronView>(PatronSubjects.get, { agency: KSL, barcode: 'BLK1' })).circulationBlocked,
    ).toBe(true);

    await rpc.request(PatronSubjects.setBlock, { agency: KSL, barcode: 'BLK1', block: 'card_lost', active: false });
    const lifted = await rpc.request<PatronView>(PatronSubjects.setBlock, {
      agency: KSL,
      barcode: 'BLK1',
      block: 'manual',
      active: false,
    });
    expect(lifted).toMatchObject({ blocks: [], circulationBlocked: false, blockDetails: {} });

    const inactive = await rpc.request<PatronView>(PatronSubjects.update, {
      agency: KSL,
      barcode: 'BLK1',
      status: 'inactive',
    });
    expect(inactive).toMatchObject({ status: 'inactive', blocks: [], circulationBlocked: true });

    await expect(
      rpc.request(PatronSubjects.setBlock, { agency: KSL, barcode: 'BLK1', block: 'stolen', active: true }),
    ).rejects.toMatchObject({
      payload: { code: ErrorCode.ValidationFailed, details: { fields: [expect.objectContaining({ field: 'block' })] } },
    });
  });

  it('relays patron events through the outbox to JetStream, without the PIN', async () => {
    await rpc.request(PatronSubjects.create, patron('EV1', { pin: '9137' }));
    await rpc.request(PatronSubjects.setBlock, {
      agency: KSL,
      barcode: 'EV1',
      block: 'card_lost',
      active: true,
      reason: 'lost',
    });
    const codec = JSONCodec<{ type: string; source: string; data: Record<string, unknown> }>();
    const last = async (subject: string) => {
      const jsm = await rpc.nc.jetstreamManager();
      return codec.decode((await jsm.streams.getMessage('CIRCULATION_EVENTS', { last_by_subj: subject })).data);
    };
    const created = await eventually(async () => {
      const e = await last(EventSubjects.patronCreated);
      return e.data.barcode === 'EV1' ? e : undefined;
    });
    expect(created).toMatchObject({
      source: 'patrons',
      data: { agency: KSL, barcode: 'EV1', status: 'active', blocks: [] },
    });
    const blocked = await eventually(async () => {
      const e = await last(EventSubjects.patronBlocked);
      return e.data.barcode === 'EV1' ? e : undefined;
    });
    expect(blocked.data).toMatchObject({ block: 'card_lost', active: true, reason: 'lost', blocks: ['card_lost'] });
    await rpc.request(PatronSubjects.update, { agency: KSL, barcode: 'EV1', pin: '3179' });
    const updated = await eventually(async () => {
      const e = await last(EventSubjects.patronUpdated);
      return e.data.barcode === 'EV1' ? e : undefined;
    });
    expect(updated.data).toMatchObject({ pinChanged: true });
    for (const e of [created, blocked, updated]) {
      expectNoSecrets(e);
      // ids are random UUIDs, which may hold those digits by chance: the PINs are looked for elsewhere
      const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
      expect(JSON.stringify(e).replace(UUID, '<uuid>')).not.toMatch(/9137|3179/);
    }
  });

  it('hand-written findByRef hydrates exactly what TypeORM findOneBy did (date as YYYY-MM-DD, timestamps as Date)', async () => {
    await rpc.request(
      PatronSubjects.create,
      patron('HW1', { email: 'hw@example.cn', phone: '13700000000', cardExpiresOn: '2028-12-31' }),
    );
    await rpc.request(PatronSubjects.create, patron('HW2', { cardExpiresOn: '2001-01-01' }));
    await rpc.request(PatronSubjects.setBlock, {
      agency: KSL,
      barcode: 'HW1',
      block: 'manual',
      active: true,
      reason: 'test',
    });
    await verify('HW1', '0000'); // a wrong PIN sets the failure window
    const ds = app.get(DataSource);
    const repo = app.get(PatronRepository);
    for (const barcode of ['HW1', 'HW2']) {
      const expected = await ds.getRepository(PatronEntity).findOneBy({ agency: KSL, barcode });
      expect(expected).not.toBeNull();
      expect(await repo.findByRef(KSL, barcode)).toStrictEqual(expected);
      expect(await ds.transaction((m) => repo.findByRef(KSL, barcode, m))).toStrictEqual(expected);
    }
    const hw1 = (await repo.findByRef(KSL, 'HW1'))!;
    expect(hw1).toMatchObject({ cardExpiresOn: '2028-12-31', blocks: ['manual'], pinFailedCount: 1 });
    expect(hw1.pinFailedWindowStart).toBeInstanceOf(Date);
    expect(await repo.findByRef(KSL, 'NOPE')).toBeNull();
    expect(await repo.findByRef(TCL, 'HW1')).toBeNull();
  });
});
