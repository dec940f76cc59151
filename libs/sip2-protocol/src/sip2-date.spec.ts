import { SIP2_BLANK_DATE, formatSip2Date, parseSip2Date } from './sip2-date';

const at = (iso: string) => new Date(iso);

describe('formatSip2Date', () => {
  it('formats local wall time with 4 blanks in the terminal zone', () => {
    expect(formatSip2Date(at('2026-11-25T00:30:00Z'), 'Asia/Shanghai')).toBe('20261125    083000');
    expect(formatSip2Date(at('2026-11-24T16:00:00Z'), 'Asia/Shanghai')).toBe('20261125    000000'); // midnight = 00, not 24
    expect(formatSip2Date(at('2026-07-01T12:00:00Z'), 'America/New_York')).toBe('20260701    080000');
    expect(formatSip2Date(at('2026-01-01T12:00:00Z'), 'America/New_York')).toBe('20260101    070000');
  });

  it('formats the UTC form with "   Z"', () => {
    expect(formatSip2Date(at('2026-11-25T00:30:00Z'), 'Asia/Shanghai', 'utc')).toBe('20261125   Z003000');
  });

  it('has width 18', () => {
    expect(formatSip2Date(new Date(), 'Asia/Shanghai')).toHaveLength(18);
    expect(SIP2_BLANK_DATE).toBe(' '.repeat(18));
  });

  it('rejects an unknown zone loudly (config error)', () => {
    expect(() => formatSip2Date(new Date(), 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('parseSip2Date', () => {
  it('reads 4 blanks as wall time in the given zone', () => {
    expect(parseSip2Date('20261125    083000', 'Asia/Shanghai')).toEqual(at('2026-11-25T00:30:00Z'));
    expect(parseSip2Date('20260701    080000', 'America/New_York')).toEqual(at('2026-07-01T12:00:00Z'));
  });

  it('honours "   Z" and military zone letters', () => {
    expect(parseSip2Date('20261125   Z003000', 'Asia/Shanghai')).toEqual(at('2026-11-25T00:30:00Z'));
    expect(parseSip2Date('20261125   H083000', 'UTC')).toEqual(at('2026-11-25T00:30:00Z')); // H = UTC+8
    expect(parseSip2Date('20261125   R083000', 'UTC')).toEqual(at('2026-11-25T13:30:00Z')); // R = UTC-5
    expect(parseSip2Date('20261125   K000000', 'UTC')).toEqual(at('2026-11-24T14:00:00Z')); // K = UTC+10 (J skipped)
    expect(parseSip2Date('20261125   J000000', 'UTC')).toBeUndefined();
  });

  // (instants inside a DST overlap cannot round-trip through a zone-less local time, by nature)
  it('round-trips with formatSip2Date across zones', () => {
    for (const tz of ['Asia/Shanghai', 'Europe/Berlin', 'America/Los_Angeles', 'UTC']) {
      for (const iso of ['2026-03-29T00:59:59Z', '2026-10-25T03:30:00Z', '2026-12-31T23:59:59Z']) {
        expect(parseSip2Date(formatSip2Date(at(iso), tz), tz)).toEqual(at(iso));
      }
    }
  });

  it('resolves DST gaps forward and overlaps to the earlier instant', () => {
    // 2026-03-08 02:30 does not exist in New York
    expect(parseSip2Date('20260308    023000', 'America/New_York')).toEqual(at('2026-03-08T07:30:00Z'));
    // 2026-11-01 01:30 happens twice; take the first (EDT)
    expect(parseSip2Date('20261101    013000', 'America/New_York')).toEqual(at('2026-11-01T05:30:00Z'));
  });

  it('accepts the free-text AH form some ACSs send', () => {
    expect(parseSip2Date('2011-10-28 23:59:59', 'Asia/Shanghai')).toEqual(at('2011-10-28T15:59:59Z'));
  });

  it.each([
    SIP2_BLANK_DATE,
    '',
    '2026',
    '20260231    000000',
    '20261325    000000',
    '20261125    246000',
    'abcdefghijklmnopqr',
  ])('returns undefined for %j', (s) => expect(parseSip2Date(s, 'Asia/Shanghai')).toBeUndefined());

  it('matches Intl at every minute around DST transitions and for random instants (offset cache)', () => {
    const reference = (d: Date, tz: string) => {
      const p = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
          timeZone: tz,
          hourCycle: 'h23',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
        })
          .formatToParts(d)
          .filter((x) => x.type !== 'literal')
          .map((x) => [x.type, x.value]),
      );
      return `${p.year}${p.month}${p.day}    ${p.hour}${p.minute}${p.second}`;
    };
    const cases: [string, string][] = [
      ['America/New_York', '2026-03-08T06:00:00Z'],
      ['America/New_York', '2026-11-01T05:00:00Z'],
      ['Europe/London', '2026-03-29T00:30:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T14:30:00Z'], // 30-minute DST shift
      ['Asia/Kathmandu', '2026-06-01T00:00:00Z'], // +05:45
      ['Asia/Shanghai', '2026-11-25T15:59:59Z'],
      ['Africa/Monrovia', '1972-01-07T00:44:30Z'], // -00:44:30 -> UTC, a transition inside a 15-minute slice
    ];
    for (const [tz, around] of cases) {
      const t0 = Date.parse(around) - 3600_000;
      for (let ms = t0; ms <= t0 + 2 * 3600_000; ms += 10_000) {
        expect(formatSip2Date(new Date(ms), tz)).toBe(reference(new Date(ms), tz));
      }
    }
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const d = new Date(Date.UTC(1980, 0, 1) + Math.floor(rnd() * 60 * 365 * 86_400_000));
      for (const tz of ['America/Sao_Paulo', 'Europe/Berlin', 'Asia/Shanghai'])
        expect(formatSip2Date(d, tz)).toBe(reference(d, tz));
    }
  });
});
