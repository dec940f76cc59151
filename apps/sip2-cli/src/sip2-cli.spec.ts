import * as net from 'node:net';
import {
  AnySip2Message,
  RetransmitCache,
  Sip2Framer,
  buildScResend,
  createMessage,
  decodeFrame,
  encodeMessage,
  parseMessage,
} from '@app/sip2-protocol';
import { CliUsageError, buildCommandMessage, parseCliArgs, printable, runCli } from './sip2-cli';

describe('parseCliArgs', () => {
  it('applies defaults', () => {
    expect(parseCliArgs(['status'])).toMatchObject({
      command: 'status',
      host: '127.0.0.1',
      port: 6001,
      tls: false,
      insecure: false,
      charset: 'utf-8',
      checksum: true,
      institution: '',
      terminalPassword: '',
      timeoutMs: 5000,
      delimiter: '|',
    });
  });

  it('reads values (space or =), flags and charset aliases', () => {
    const o = parseCliArgs([
      'checkout',
      '--host',
      '10.0.0.5',
      '--port=7001',
      '--tls',
      '--insecure',
      '--charset',
      'GBK',
      '--user',
      'k1',
      '--password',
      'pw',
      '--location',
      'KSL-1F',
      '--institution',
      'CN-320583-1-KSL',
      '--patron',
      'P1',
      '--pin',
      '1234',
      '--item',
      'I1',
      '--no-checksum',
      '--tz',
      'Asia/Shanghai',
    ]);
    expect(o).toMatchObject({
      host: '10.0.0.5',
      port: 7001,
      tls: true,
      insecure: true,
      charset: 'gb18030',
      user: 'k1',
      password: 'pw',
      location: 'KSL-1F',
      institution: 'CN-320583-1-KSL',
      patron: 'P1',
      pin: '1234',
      item: 'I1',
      checksum: false,
      timeZone: 'Asia/Shanghai',
    });
  });

  it.each([
    [[], /missing command/],
    [['fly'], /unknown command/],
    [['status', '--bogus'], /unknown option/],
    [['status', '--port'], /needs a value/],
    [['status', '--port', 'x'], /bad --port/],
    [['status', '--charset', 'latin9'], /unsupported charset/],
    [['status', '--tz', 'Mars/Base'], /unknown time zone/],
    [['login'], /login needs --user/],
    [['checkout', '--patron', 'P'], /checkout needs --item/],
    [['item'], /item needs --item/],
    [['status', '--user', 'u'], /--user needs --password/],
  ])('%j is a usage error', (argv, msg) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(msg);
  });

  it('help', () => {
    expect(parseCliArgs(['--help'])).toBe('help');
  });
});

describe('buildCommandMessage', () => {
  const now = new Date('2026-11-25T00:30:00Z');
  const base = ['--institution', 'CN-320583-1-KSL', '--tz', 'Asia/Shanghai', '--no-checksum'];
  const wire = (argv: string[]) => {
    const o = parseCliArgs([...argv, ...base]);
    if (o === 'help') throw new Error();
    return encodeMessage(buildCommandMessage(o, now)!, { terminator: '' }).toString('utf8');
  };

  it('builds each command with the 18-char local date', () => {
    expect(wire(['status'])).toBe('9900802.00');
    expect(wire(['item', '--item', 'KS0001'])).toBe('1720261125    083000AOCN-320583-1-KSL|ABKS0001|AC|');
    expect(wire(['patron', '--patron', 'P1', '--pin', '9'])).toBe(
      '6300020261125    083000          AOCN-320583-1-KSL|AAP1|AC|AD9|',
    );
    expect(wire(['checkout', '--patron', 'P1', '--item', 'I1'])).toBe(
      `11NN20261125    083000${' '.repeat(18)}AOCN-320583-1-KSL|AAP1|ABI1|AC|`,
    );
    expect(wire(['checkin', '--item', 'I1', '--location', 'KSL-1F'])).toBe(
      '09N20261125    08300020261125    083000APKSL-1F|AOCN-320583-1-KSL|ABI1|AC|',
    );
    expect(wire(['renew', '--patron', 'P1', '--item', 'I1'])).toBe(
      `29NN20261125    083000${' '.repeat(18)}AOCN-320583-1-KSL|AAP1|ABI1|AC|`,
    );
  });

  it('shows control characters', () => {
    expect(printable('94\r\n1')).toBe('94\\x0d\\x0a1');
  });
});

describe('runCli against a fake ACS', () => {
  let server: net.Server;
  let port: number;
  const seen: AnySip2Message[] = [];

  beforeAll(async () => {
    server = net.createServer((socket) => {
      const framer = new Sip2Framer();
      const cache = new RetransmitCache();
      socket.on('data', (chunk) => {
        for (const ev of framer.push(chunk)) {
          if (ev.type !== 'frame') continue;
          const { message: m, checksum } = decodeFrame(ev.frame, { charset: 'gb18030' });
          if (checksum.status === 'invalid') {
            socket.write(buildScResend());
            continue;
          }
          seen.push(m);
          let reply: AnySip2Message;
          if (m.code === '93') reply = createMessage('94', { ok: m.fields.loginPassword === 'secret' ? '1' : '0' });
          else if (m.code === '17') {
            reply = createMessage(
              '18',
              { circulationStatus: '03', securityMarker: '00', feeType: '01', transactionDate: '20261125    083000' },
              { itemIdentifier: m.fields.itemIdentifier, titleIdentifier: '《水浒传》 施耐庵' },
            );
          } else reply = createMessage('96', {});
          const out = encodeMessage({ ...reply, sequence: m.sequence } as AnySip2Message, {
            charset: 'gb18030',
            errorDetection: checksum.status === 'valid',
          });
          cache.remember(ev.frame, out);
          socket.write(out);
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli([...argv, '--port', String(port), '--charset', 'gb18030'], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out, err };
  };

  it('logs in first, then prints raw lines and named fields', async () => {
    seen.length = 0;
    const r = await run([
      'item',
      '--user',
      'kiosk',
      '--password',
      'secret',
      '--item',
      'KS0001',
      '--institution',
      'KSL',
    ]);
    expect(r.code).toBe(0);
    expect(seen.map((m) => m.code)).toEqual(['93', '17']);
    expect(r.out.filter((l) => l.startsWith('> '))).toHaveLength(2);
    expect(r.out).toContain('  AJ titleIdentifier: 《水浒传》 施耐庵');
    const received = r.out.filter((l) => l.startsWith('< ')).map((l) => l.slice(2));
    expect(parseMessage(received[1]).fields.titleIdentifier).toBe('《水浒传》 施耐庵');
    expect(received[1]).toMatch(/AY1AZ[0-9A-F]{4}$/);
  });

  it('fails with exit 1 when the login is refused, without sending the command', async () => {
    seen.length = 0;
    const r = await run(['item', '--user', 'kiosk', '--password', 'nope', '--item', 'KS0001']);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/login refused/);
    expect(seen.map((m) => m.code)).toEqual(['93']);
  });

  it('exit 2 on usage errors, exit 1 on connection errors', async () => {
    expect(await runCli(['nope'], { out: () => undefined, err: () => undefined })).toBe(2);
    const err: string[] = [];
    expect(
      await runCli(['status', '--port', '1', '--timeout', '300'], { out: () => undefined, err: (l) => err.push(l) }),
    ).toBe(1);
    expect(err.join()).toMatch(/connect/);
  });
});
