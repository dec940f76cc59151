// 18-character SIP2 timestamps "YYYYMMDDZZZZHHMMSS" (PROTOCOL.md §1.2). ZZZZ = 4 spaces means local
// time of the ACS (we make "local" an explicit IANA zone per terminal); "   Z" is UTC; "   A".."   Y"
// (J skipped) are military zones. We emit the 4-space local form by default, as Evergreen/pysip2 do.
import { wallTime, type WallTime } from '@app/time';

export const SIP2_DATE_LENGTH = 18;
/** 18 spaces: an unused date (e.g. nb due date). */
export const SIP2_BLANK_DATE = ' '.repeat(SIP2_DATE_LENGTH);

export type Sip2ZoneStyle = 'local' | 'utc';

type Parts = WallTime;

/**
 * Every response carries a date: the wall time comes from @app/time's cached zone offset (Intl's
 * formatToParts per response was ~3 % of the SIP2 adapter's CPU under kiosk load).
 */
function zonedParts(date: Date, timeZone: string): Parts {
  if (timeZone === 'UTC') {
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    };
  }
  return wallTime(date, timeZone);
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms (e.g. +8h for Asia/Shanghai). */
function offsetAt(ms: number, timeZone: string): number {
  const p = zonedParts(new Date(ms), timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** Wall-clock time in `timeZone` -> instant. DST gaps resolve forward, overlaps to the earlier instant. */
export function zonedTimeToDate(p: Parts, timeZone: string): Date {
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  // The offsets a day before/after bracket any DST transition near `wall`.
  const before = wall - offsetAt(wall - 86_400_000, timeZone);
  const after = wall - offsetAt(wall + 86_400_000, timeZone);
  const valid = [before, after].filter((t) => offsetAt(t, timeZone) === wall - t);
  return new Date(valid.length ? Math.min(...valid) : before);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Formats an instant as an 18-char SIP2 date. 'local' (default): wall time in `timeZone` with 4 blanks,
 * e.g. Asia/Shanghai 2026-11-25T00:30:00Z -> "20261125    083000". 'utc': "20261125   Z003000".
 */
export function formatSip2Date(date: Date, timeZone: string, style: Sip2ZoneStyle = 'local'): string {
  const p = style === 'utc' ? zonedParts(date, 'UTC') : zonedParts(date, timeZone);
  const zone = style === 'utc' ? '   Z' : '    ';
  return `${pad(p.year, 4)}${pad(p.month)}${pad(p.day)}${zone}${pad(p.hour)}${pad(p.minute)}${pad(p.second)}`;
}

// Military zone letters: A..M (no J) = UTC+1..+12, N..Y = UTC-1..-12, Z = UTC.
function militaryOffsetHours(letter: string): number | undefined {
  if (letter === 'Z') return 0;
  const east = 'ABCDEFGHIKLM'.indexOf(letter);
  if (east >= 0) return east + 1;
  const west = 'NOPQRSTUVWXY'.indexOf(letter);
  if (west >= 0) return -(west + 1);
  return undefined;
}

/**
 * Parses an 18-char SIP2 date (4 blanks = wall time in `timeZone`; "   Z"/military letters honoured).
 * Also accepts the free-text "YYYY-MM-DD HH:MM:SS" some ACSs put in AH (read as local time).
 * Returns undefined for blanks or anything invalid; never throws for bad input.
 */
export function parseSip2Date(text: string, timeZone: string): Date | undefined {
  let m = /^(\d{4})(\d{2})(\d{2})(.{4})(\d{2})(\d{2})(\d{2})$/.exec(text);
  let zone = '';
  if (m) {
    zone = m[4].trim().toUpperCase();
  } else {
    m = /^\s*(\d{4})-(\d{2})-(\d{2})([ T])(\d{2}):(\d{2}):(\d{2})\s*$/.exec(text);
    if (!m) return undefined;
  }
  const p: Parts = { year: +m[1], month: +m[2], day: +m[3], hour: +m[5], minute: +m[6], second: +m[7] };
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > 31 || p.hour > 23 || p.minute > 59 || p.second > 59) {
    return undefined;
  }
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  if (new Date(wall).getUTCDate() !== p.day) return undefined; // 20260231 etc.
  if (zone === '') {
    try {
      return zonedTimeToDate(p, timeZone);
    } catch {
      return undefined;
    }
  }
  const hours = zone.length === 1 ? militaryOffsetHours(zone) : undefined;
  return hours === undefined ? undefined : new Date(wall - hours * 3_600_000);
}
