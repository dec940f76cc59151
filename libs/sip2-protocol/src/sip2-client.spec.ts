import * as net from 'node:net';
import * as tls from 'node:tls';
import { Sip2Charset } from './charset';
import { REQUEST_SC_RESEND, RetransmitCache, buildScResend, verifyChecksum } from './index';
import { AnySip2Message, asMessage, createMessage, decodeFrame, encodeMessage } from './sip2-codec';
import { Sip2Client, Sip2ClientError } from './sip2-client';
import { Sip2Framer } from './sip2-framer';

const DATE = '20261125    083000';

/** Tiny in-test ACS: frames, verifies, and lets each test decide the reply. */
interface FakeContext {
  socket: net.Socket;
  frame: Buffer;
  message: AnySip2Message;
  checksumOk: boolean;
  reply: (msg: AnySip2Message, opts?: { corrupt?: boolean; chunked?: boolean }) => void;
  count: number;
}
type Handler = (ctx: FakeContext) => void;

async function startFake(handler: Handler, charset: Sip2Charset = 'utf-8', secure?: tls.TlsOptions) {
  const received: Buffer[] = [];
  const onConnection = (socket: net.Socket) => {
    const framer = new Sip2Framer();
    const cache = new RetransmitCache();
    socket.on('data', (chunk) => {
      for (const ev of framer.push(chunk)) {
        if (ev.type !== 'frame') continue;
        received.push(ev.frame);
        const { message, checksum } = decodeFrame(ev.frame, { charset });
        if (checksum.status === 'invalid') {
          socket.write(buildScResend());
          continue;
        }
        if (message.code === '97') {
          socket.write(cache.resendResponse() ?? buildScResend());
          continue;
        }
        const ctx: FakeContext = {
          socket,
          frame: ev.frame,
          message,
          checksumOk: checksum.status === 'valid',
          count: received.length,
          reply: (msg, opts = {}) => {
            const out = encodeMessage({ ...msg, sequence: message.sequence } as AnySip2Message, {
              charset,
              errorDetection: checksum.status === 'valid',
            });
            cache.remember(ev.frame, out);
            const wire = Buffer.from(out);
            if (opts.corrupt) wire[wire.length - 2] = wire[wire.length - 2] === 0x30 ? 0x31 : 0x30; // break AZ
            if (opts.chunked) {
              // one byte per event-loop turn, in order
              void (async () => {
                for (const byte of wire) {
                  socket.write(Buffer.from([byte]));
                  await new Promise((r) => setImmediate(r));
                }
              })();
            } else socket.write(wire);
          },
        };
        handler(ctx);
      }
    });
  };
  const server = secure ? tls.createServer(secure, onConnection) : net.createServer(onConnection);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const loginOk = (ok = '1') => createMessage('94', { ok });
const acsStatus = () =>
  createMessage(
    '98',
    {
      onlineStatus: 'Y',
      checkinOk: 'Y',
      checkoutOk: 'Y',
      acsRenewalPolicy: 'Y',
      statusUpdateOk: 'N',
      offlineOk: 'N',
      timeoutPeriod: '030',
      retriesAllowed: '003',
      dateTimeSync: DATE,
      protocolVersion: '2.00',
    },
    { institutionId: 'CN-320583-1-KSL', supportedMessages: 'YYYYYYYYYYYYYYYY', libraryName: '昆山市图书馆' },
  );

const standardHandler: Handler = (ctx) => {
  const m = ctx.message;
  if (m.code === '93') ctx.reply(loginOk(m.fields.loginPassword === 'secret' ? '1' : '0'));
  else if (m.code === '99') ctx.reply(acsStatus());
  else if (m.code === '17') {
    ctx.reply(
      createMessage(
        '18',
        { circulationStatus: '03', securityMarker: '00', feeType: '01', transactionDate: DATE },
        {
          itemIdentifier: m.fields.itemIdentifier,
          titleIdentifier: '《水浒传》 施耐庵',
        },
      ),
    );
  }
};

describe('Sip2Client', () => {
  let fake: Awaited<ReturnType<typeof startFake>> | undefined;
  let client: Sip2Client | undefined;
  afterEach(async () => {
    await client?.close();
    await fake?.close();
    client = fake = undefined;
  });

  it('logs in, sends 99 and 17 with rolling AY and verified AZ', async () => {
    fake = await startFake(standardHandler);
    const trace: string[] = [];
    client = new Sip2Client({ port: fake.port, onTrace: (d, b) => trace.push(`${d} ${b.toString('utf8')}`) });
    await client.connect();
    const login = await client.login('kiosk1', 'secret', 'KSL-1F');
    expect(login.response.code).toBe('94');
    expect(login.response.fixed).toEqual({ ok: '1' });
    expect(login.request.sequence).toBe('0');
    expect(login.response.sequence).toBe('0');
    expect(login.checksum.status).toBe('valid');
    expect(login.requestBytes.toString()).toMatch(/^9300CNkiosk1\|COsecret\|CPKSL-1F\|AY0AZ[0-9A-F]{4}\r$/);

    const status = await client.scStatus();
    expect(status.response.fields.libraryName).toBe('昆山市图书馆');
    expect(status.response.sequence).toBe('1');

    const item = await client.send(
      createMessage('17', { transactionDate: DATE }, { institutionId: 'CN-320583-1-KSL', itemIdentifier: 'KS0001' }),
    );
    expect(item.response.fields.titleIdentifier).toBe('《水浒传》 施耐庵');
    expect(item.attempts).toBe(1);
    expect(trace.filter((t) => t.startsWith('>'))).toHaveLength(3);
    expect(trace.filter((t) => t.startsWith('<'))).toHaveLength(3);
    expect(fake.received.every((f) => verifyChecksum(f).status === 'valid')).toBe(true);
  });

  it('works with GB18030 and reassembles byte-by-byte replies', async () => {
    fake = await startFake((ctx) => {
      if (ctx.message.code === '17') {
        ctx.reply(
          createMessage(
            '18',
            { circulationStatus: '03', securityMarker: '00', feeType: '01', transactionDate: DATE },
            {
              itemIdentifier: ctx.message.fields.itemIdentifier,
              titleIdentifier: '《水浒传》',
            },
          ),
          { chunked: true },
        );
      }
    }, 'gb18030');
    client = new Sip2Client({ port: fake.port, charset: 'gb18030' });
    await client.connect();
    const r = await client.send(
      createMessage('17', { transactionDate: DATE }, { institutionId: 'X', itemIdentifier: '施耐庵-1' }),
    );
    expect(r.response.fields).toMatchObject({ titleIdentifier: '《水浒传》', itemIdentifier: '施耐庵-1' });
  });

  it('resends the same request after a 96', async () => {
    let first = true;
    fake = await startFake((ctx) => {
      if (first) {
        first = false;
        ctx.socket.write(REQUEST_SC_RESEND + '\r');
        return;
      }
      ctx.reply(loginOk());
    });
    client = new Sip2Client({ port: fake.port });
    await client.connect();
    const r = await client.login('u', 'p');
    expect(r.attempts).toBe(2);
    expect(fake.received[0].equals(fake.received[1])).toBe(true); // byte-identical retransmit
  });

  it('asks 97 on a corrupted response and accepts the AY-less resend', async () => {
    let n = 0;
    fake = await startFake((ctx) => ctx.reply(loginOk(), { corrupt: n++ === 0 }));
    client = new Sip2Client({ port: fake.port });
    await client.connect();
    const r = await client.login('u', 'p');
    expect(r.attempts).toBe(2);
    expect(fake.received[1].toString()).toBe('97AZFEF5');
    expect(r.response.sequence).toBeUndefined();
    expect(r.checksum.status).toBe('valid');
  });

  it('gives up after maxRetries', async () => {
    fake = await startFake((ctx) => ctx.socket.write(REQUEST_SC_RESEND + '\r'));
    client = new Sip2Client({ port: fake.port, maxRetries: 1 });
    await client.connect();
    await expect(client.login('u', 'p')).rejects.toMatchObject({ kind: 'retries-exhausted' });
    expect(fake.received).toHaveLength(2);
  });

  it('skips a stale reply whose AY does not match', async () => {
    fake = await startFake((ctx) => {
      if (ctx.message.code === '99') {
        // a late duplicate for an older sequence, then the real answer
        ctx.socket.write(encodeMessage(createMessage('94', { ok: '1' }, {}, { sequence: '7' })));
        ctx.reply(acsStatus());
      }
    });
    client = new Sip2Client({ port: fake.port });
    await client.connect();
    const r = await client.scStatus();
    expect(r.response.code).toBe('98');
  });

  it('times out, then keeps working for the next request', async () => {
    let n = 0;
    fake = await startFake((ctx) => {
      if (n++ > 0) ctx.reply(loginOk());
    });
    client = new Sip2Client({ port: fake.port, timeoutMs: 150 });
    await client.connect();
    const err = await client.login('u', 'p').catch((e) => e);
    expect(err).toBeInstanceOf(Sip2ClientError);
    expect(err.kind).toBe('timeout');
    expect((await client.login('u', 'p')).response.fixed).toEqual({ ok: '1' });
  });

  it('serialises concurrent sends (one request in flight)', async () => {
    fake = await startFake((ctx) => setTimeout(() => ctx.reply(loginOk()), 20));
    client = new Sip2Client({ port: fake.port });
    await client.connect();
    const results = await Promise.all([client.login('a', 'p'), client.login('b', 'p'), client.login('c', 'p')]);
    expect(results.map((r) => r.response.sequence)).toEqual(['0', '1', '2']);
    expect(results.map((r) => r.request.fields.loginUserId)).toEqual(['a', 'b', 'c']);
  });

  it('works without error detection (--no-checksum)', async () => {
    fake = await startFake(standardHandler);
    client = new Sip2Client({ port: fake.port, errorDetection: false });
    await client.connect();
    const r = await client.login('u', 'secret');
    expect(r.requestBytes.toString()).toBe('9300CNu|COsecret|\r');
    expect(asMessage(r.response, '94').fixed.ok).toBe('1');
    expect(r.checksum.status).toBe('absent');
  });

  it('rejects with closed when the server hangs up, and connect errors are typed', async () => {
    fake = await startFake((ctx) => ctx.socket.destroy());
    client = new Sip2Client({ port: fake.port });
    await client.connect();
    await expect(client.login('u', 'p')).rejects.toMatchObject({ kind: 'closed' });
    const port = fake.port;
    await fake.close();
    fake = undefined;
    await expect(new Sip2Client({ port }).connect()).rejects.toMatchObject({ kind: 'connect' });
  });

  it('sendRaw returns the next frame unparsed', async () => {
    fake = await startFake(standardHandler);
    client = new Sip2Client({ port: fake.port });
    await client.connect();
    expect((await client.sendRaw('9900302.00')).toString()).toMatch(/^98YYYYNN030003/);
  });

  it('connects over TLS with --insecure to a self-signed server', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const selfsigned = require('selfsigned') as {
      generate: (a: unknown, o: unknown) => { private: string; cert: string };
    };
    const pems = selfsigned.generate([{ name: 'commonName', value: 'localhost' }], { days: 1, keySize: 2048 });
    fake = await startFake(standardHandler, 'utf-8', { key: pems.private, cert: pems.cert });
    const strict = new Sip2Client({ port: fake.port, tls: true });
    await expect(strict.connect()).rejects.toMatchObject({ kind: 'connect' });
    client = new Sip2Client({ port: fake.port, tls: true, insecure: true });
    await client.connect();
    expect(asMessage((await client.login('u', 'secret')).response, '94').fixed.ok).toBe('1');
    expect(() => asMessage(createMessage('96', {}), '94')).toThrow('expected SIP2 message 94, got 96');
  }, 20000);
});
