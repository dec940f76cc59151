// Operator SIP2 client: logs in (93) when --user is given, sends one command, prints raw lines
// (">" sent, "<" received) and the decoded fields with their names. Exit 0 ok, 1 failure, 2 usage.
import {
  AnySip2Message,
  SIP2_BLANK_DATE,
  Sip2Charset,
  Sip2Client,
  Sip2ClientOptions,
  asMessage,
  createMessage,
  decodeText,
  describeMessage,
  formatSip2Date,
  formatSummary,
  normalizeCharset,
  parseMessage,
} from '@app/sip2-protocol';

export const COMMANDS = ['login', 'status', 'patron', 'checkout', 'checkin', 'renew', 'item', 'raw'] as const;
export type CliCommand = (typeof COMMANDS)[number];

export interface CliOptions {
  command: CliCommand;
  host: string;
  port: number;
  tls: boolean;
  insecure: boolean;
  charset: Sip2Charset;
  user?: string;
  password?: string;
  location?: string;
  institution: string;
  patron?: string;
  pin?: string;
  item?: string;
  terminalPassword: string;
  checksum: boolean;
  timeoutMs: number;
  timeZone: string;
  crlf: boolean;
  delimiter: string;
  /** Positional text for `raw`. */
  rawLine?: string;
}

export class CliUsageError extends Error {}

export const USAGE = `Usage: sip2 <command> [options]
Commands:
  login      93 Login only (needs --user --password)
  status     99 SC Status -> 98 ACS Status
  patron     63 Patron Information (--patron [--pin])
  checkout   11 Checkout (--patron --item [--pin])
  checkin    09 Checkin (--item [--location])
  renew      29 Renew (--patron --item [--pin])
  item       17 Item Information (--item)
  raw <msg>  send one raw message line (AY/AZ not added), print the reply
Options:
  --host 127.0.0.1  --port 6001  --tls  --insecure (accept self-signed certs)
  --charset utf-8|gb18030|cp850|ascii (default utf-8)
  --user --password --location     SIP login (CN/CO/CP); when --user is set every command logs in first
  --institution AO (e.g. CN-320583-1-KSL)   --terminal-password AC (default empty)
  --patron AA  --pin AD  --item AB
  --no-checksum   disable AY/AZ error detection
  --timeout ms (5000)  --tz IANA zone for dates (default: this machine's)  --crlf  --delimiter '|'`;

const VALUE_OPTS = new Set([
  'host',
  'port',
  'charset',
  'user',
  'password',
  'location',
  'institution',
  'patron',
  'pin',
  'item',
  'terminal-password',
  'timeout',
  'tz',
  'delimiter',
]);
const FLAG_OPTS = new Set(['tls', 'insecure', 'no-checksum', 'crlf', 'help']);

export function parseCliArgs(argv: readonly string[]): CliOptions | 'help' {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h') return 'help';
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (FLAG_OPTS.has(name)) flags.add(name);
    else if (VALUE_OPTS.has(name)) {
      const v = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new CliUsageError(`--${name} needs a value`);
      values[name] = v;
    } else throw new CliUsageError(`unknown option ${arg}`);
  }
  if (flags.has('help')) return 'help';
  const command = positional[0];
  if (!command) throw new CliUsageError('missing command');
  if (!(COMMANDS as readonly string[]).includes(command)) throw new CliUsageError(`unknown command ${command}`);
  const charset = normalizeCharset(values.charset ?? 'utf-8');
  if (!charset) throw new CliUsageError(`unsupported charset ${values.charset}`);
  const port = Number(values.port ?? 6001);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new CliUsageError(`bad --port ${values.port}`);
  const timeoutMs = Number(values.timeout ?? 5000);
  if (!(timeoutMs > 0)) throw new CliUsageError(`bad --timeout ${values.timeout}`);
  const timeZone = values.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new CliUsageError(`unknown time zone ${timeZone}`);
  }

  const opts: CliOptions = {
    command: command as CliCommand,
    host: values.host ?? '127.0.0.1',
    port,
    tls: flags.has('tls'),
    insecure: flags.has('insecure'),
    charset,
    user: values.user,
    password: values.password,
    location: values.location,
    institution: values.institution ?? '',
    patron: values.patron,
    pin: values.pin,
    item: values.item,
    terminalPassword: values['terminal-password'] ?? '',
    checksum: !flags.has('no-checksum'),
    timeoutMs,
    timeZone,
    crlf: flags.has('crlf'),
    delimiter: values.delimiter ?? '|',
    rawLine: positional[1],
  };
  const need = (key: 'user' | 'password' | 'patron' | 'item', why: string) => {
    if (!opts[key]) throw new CliUsageError(`${why} needs --${key}`);
  };
  switch (opts.command) {
    case 'login':
      need('user', 'login');
      need('password', 'login');
      break;
    case 'patron':
      need('patron', 'patron');
      break;
    case 'checkout':
    case 'renew':
      need('patron', opts.command);
      need('item', opts.command);
      break;
    case 'checkin':
    case 'item':
      need('item', opts.command);
      break;
    case 'raw':
      if (!opts.rawLine) throw new CliUsageError('raw needs the message text');
      break;
  }
  if (opts.user && !opts.password) throw new CliUsageError('--user needs --password');
  return opts;
}

/** The request message for a command (undefined for login/raw, which are handled separately). */
export function buildCommandMessage(opts: CliOptions, now = new Date()): AnySip2Message | undefined {
  const date = formatSip2Date(now, opts.timeZone);
  const ao = opts.institution;
  const ac = opts.terminalPassword;
  const pin = opts.pin !== undefined ? { patronPassword: opts.pin } : {};
  switch (opts.command) {
    case 'login':
    case 'raw':
      return undefined;
    case 'status':
      return createMessage('99', { statusCode: '0', maxPrintWidth: '080', protocolVersion: '2.00' });
    case 'patron':
      return createMessage(
        '63',
        { language: '000', transactionDate: date, summary: formatSummary() },
        {
          institutionId: ao,
          patronIdentifier: opts.patron,
          terminalPassword: ac,
          ...pin,
        },
      );
    case 'checkout':
      return createMessage(
        '11',
        { scRenewalPolicy: 'N', noBlock: 'N', transactionDate: date, nbDueDate: SIP2_BLANK_DATE },
        {
          institutionId: ao,
          patronIdentifier: opts.patron,
          itemIdentifier: opts.item,
          terminalPassword: ac,
          ...pin,
        },
      );
    case 'checkin':
      return createMessage(
        '09',
        { noBlock: 'N', transactionDate: date, returnDate: date },
        {
          currentLocation: opts.location ?? '',
          institutionId: ao,
          itemIdentifier: opts.item,
          terminalPassword: ac,
        },
      );
    case 'renew':
      return createMessage(
        '29',
        { thirdPartyAllowed: 'N', noBlock: 'N', transactionDate: date, nbDueDate: SIP2_BLANK_DATE },
        {
          institutionId: ao,
          patronIdentifier: opts.patron,
          itemIdentifier: opts.item,
          terminalPassword: ac,
          ...pin,
        },
      );
    case 'item':
      return createMessage(
        '17',
        { transactionDate: date },
        { institutionId: ao, itemIdentifier: opts.item, terminalPassword: ac },
      );
  }
}

/** Shows control characters so an operator can see CR/LF and stray bytes. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this shows
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIo: CliIo = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

export async function runCli(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  let opts: CliOptions | 'help';
  try {
    opts = parseCliArgs(argv);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    io.err(`sip2: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    io.out(USAGE);
    return 0;
  }
  const charset = opts.charset;
  const clientOptions: Sip2ClientOptions = {
    host: opts.host,
    port: opts.port,
    tls: opts.tls,
    insecure: opts.insecure,
    charset,
    delimiter: opts.delimiter,
    terminator: opts.crlf ? '\r\n' : '\r',
    errorDetection: opts.checksum,
    timeoutMs: opts.timeoutMs,
    onTrace: (dir, bytes) => io.out(`${dir} ${printable(decodeText(bytes, charset))}`),
  };
  const client = new Sip2Client(clientOptions);
  const show = (m: AnySip2Message) => describeMessage(m).forEach((l) => io.out(l));
  try {
    await client.connect();
    io.out(
      `# connected to ${opts.host}:${opts.port}${opts.tls ? ' (TLS)' : ''}, charset ${charset}, error detection ${opts.checksum ? 'on' : 'off'}`,
    );
    if (opts.user) {
      const login = await client.login(opts.user, opts.password ?? '', opts.location);
      show(login.response);
      if (asMessage(login.response, '94').fixed.ok !== '1') {
        io.err('sip2: login refused (94 ok=0)');
        return 1;
      }
    }
    if (opts.command === 'raw') {
      const frame = await client.sendRaw(Buffer.from(opts.rawLine!, 'utf8'));
      try {
        show(parseMessage(decodeText(frame, charset), { delimiter: opts.delimiter }));
      } catch (err) {
        io.err(`sip2: reply not parseable: ${(err as Error).message}`);
      }
      return 0;
    }
    const message = buildCommandMessage(opts);
    if (message) {
      const ex = await client.send(message);
      show(ex.response);
      if (ex.attempts > 1) io.out(`# ${ex.attempts} attempts`);
      io.out(`# ${ex.elapsedMs} ms, response checksum ${ex.checksum.status}`);
    }
    return 0;
  } catch (err) {
    io.err(`sip2: ${(err as Error).message}`);
    return 1;
  } finally {
    await client.close().catch(() => undefined);
  }
}
