// Loads the public SIP2 example vectors (PROTOCOL.md companion file). Prefers the shared reference,
// falls back to the verbatim copy in libs/sip2-protocol/test-fixtures.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ExampleVector {
  /** Wire bytes exactly as stored in the file (no CR). */
  msg: Buffer;
  /** CKS line: 'ok', 'ok (FCB4)', 'BAD (computed EC7B)', '-' ... */
  cks: string;
  note: string;
  line: number;
}

const SHARED = path.resolve(__dirname, '../../../../shared/reference/sip2/examples.txt');
const FIXTURE = path.resolve(__dirname, 'sip2-examples.txt');

export function examplesPath(): string {
  return fs.existsSync(SHARED) ? SHARED : FIXTURE;
}

export function loadExamples(): ExampleVector[] {
  const raw = fs.readFileSync(examplesPath());
  const out: ExampleVector[] = [];
  let cur: ExampleVector | undefined;
  // Split on LF at byte level so the message bytes stay exactly as stored.
  let start = 0;
  let lineNo = 0;
  for (let i = 0; i <= raw.length; i++) {
    if (i < raw.length && raw[i] !== 0x0a) continue;
    lineNo++;
    const line = raw.subarray(start, i);
    start = i + 1;
    const text = line.toString('utf8');
    if (text.startsWith('MSG: ')) {
      cur = { msg: Buffer.from(line.subarray(5)), cks: '', note: '', line: lineNo };
      out.push(cur);
    } else if (cur && text.startsWith('CKS: ')) cur.cks = text.slice(5).trim();
    else if (cur && (text.startsWith('NOTE: ') || text.startsWith('      '))) cur.note += text.trim() + ' ';
  }
  return out;
}
