import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Scans the logs a test run wrote for secrets that must never reach a log: PINs, passwords, API keys,
 * pickup codes, phone numbers (and scrypt hashes, Authorization headers, SIP2 AD/CO fields). Findings
 * name the file, line and kind with the value masked, so the report itself leaks nothing.
 */
export interface LogFinding {
  file: string;
  line: number;
  kind: string;
  excerpt: string;
}

/** Values known to be secret in this run (API keys, terminal passwords); at least 8 characters each. */
export const KNOWN_SECRETS_FILE = 'known-secrets.json';

const RULES: { kind: string; pattern: RegExp }[] = [
  // a JSON field named like a secret with a non-empty value ("pin":"1234", "password":"…", "pickupCode":"…")
  {
    kind: 'secret field',
    pattern:
      /"(pin|newPin|password|passwd|secret|apiKey|api_key|token|pickupCode|pickup_code|pinHash|passwordHash|key_hash|keyHash)"\s*:\s*"[^"]+"/gi,
  },
  { kind: 'phone field', pattern: /"(phone|mobile|telephone|tel)"\s*:\s*"[^"]+"/gi },
  { kind: 'address field', pattern: /"(address|homeAddress|deliveryAddress|street)"\s*:\s*"[^"]+"/gi },
  // mainland mobile numbers anywhere (11 digits, 13x-19x), not inside longer digit runs (timestamps) nor
  // inside words (a UUID's last group such as b18940401220)
  { kind: 'phone number', pattern: /(?<![\dA-Za-z.])1[3-9]\d{9}(?![\dA-Za-z])/g },
  { kind: 'scrypt hash', pattern: /scrypt\$\d+\$/g },
  { kind: 'authorization header', pattern: /Bearer\s+[A-Za-z0-9._~+/=-]{8,}/g },
  // SIP2 frames: AD patron password, CO terminal password, AC terminal password (only when non-empty)
  { kind: 'SIP2 password field', pattern: /\|(AD|CO|AC)[^|\r\n"\\]+/g },
];

const mask = (s: string): string => s.replace(/[A-Za-z0-9]/g, (c, i: number) => (i < 3 ? c : '*'));

export function scanLogText(text: string, file: string, knownSecrets: readonly string[] = []): LogFinding[] {
  const findings: LogFinding[] = [];
  const secrets = knownSecrets.filter((s) => s.length >= 8);
  text.split('\n').forEach((line, i) => {
    for (const { kind, pattern } of RULES) {
      pattern.lastIndex = 0;
      for (const m of line.matchAll(pattern))
        findings.push({ file, line: i + 1, kind, excerpt: mask(m[0]).slice(0, 60) });
    }
    for (const secret of secrets) {
      if (line.includes(secret))
        findings.push({ file, line: i + 1, kind: 'known secret value', excerpt: mask(secret) });
    }
  });
  return findings;
}

/** Every file under `dir` (recursively), with the known secrets of `known-secrets.json` files found there. */
export function scanLogDir(
  dir: string,
  extraSecrets: readonly string[] = [],
): { files: string[]; findings: LogFinding[] } {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  walk(dir);
  const secrets = [...extraSecrets];
  for (const f of files.filter((f) => path.basename(f) === KNOWN_SECRETS_FILE))
    secrets.push(...(JSON.parse(fs.readFileSync(f, 'utf8')) as string[]));
  const logs = files.filter((f) => path.basename(f) !== KNOWN_SECRETS_FILE);
  return {
    files: logs,
    findings: logs.flatMap((f) => scanLogText(fs.readFileSync(f, 'utf8'), path.relative(dir, f), secrets)),
  };
}
