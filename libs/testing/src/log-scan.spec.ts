import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KNOWN_SECRETS_FILE, scanLogDir, scanLogText } from './log-scan';

describe('log scan for secrets', () => {
  it('finds PINs, passwords, keys, pickup codes, phone numbers and SIP2 password fields, masked', () => {
    const lines = [
      '{"level":30,"event":"pin_invalid","barcode":"P0000001","failures":2}',
      '{"level":30,"body":{"pin":"1234"}}',
      '{"msg":"x","pickupCode":"483920"}',
      '{"phone":"13912345678"}',
      'called 13912345678 yesterday',
      '{"time":1764230400000,"pid":13912}',
      'frame 11YN|AOCN-320583-1-KSL|AAP0000001|AD1234|AY1AZF00F',
      'frame 11YN|AOCN-320583-1-KSL|AAP0000001|AD|AY1AZF00F',
      'authorization: Bearer demo-admin-key-123',
      'stored scrypt$16384$8$1$abc',
      'the key kc_supersecretvalue leaked',
      '{"correlationId":"6430b8e6-0012-4537-8147-b18940401220","other":"0a1b2c3d-0000-4000-8000-13912345678a"}',
      'sms to +86-13912345678',
    ];
    const found = scanLogText(lines.join('\n'), 'services.log', ['kc_supersecretvalue']);
    expect(found.map((f) => [f.line, f.kind])).toEqual([
      [2, 'secret field'],
      [3, 'secret field'],
      [4, 'phone field'],
      [4, 'phone number'],
      [5, 'phone number'],
      [7, 'SIP2 password field'],
      [9, 'authorization header'],
      [10, 'scrypt hash'],
      [11, 'known secret value'],
      [13, 'phone number'],
    ]);
    expect(JSON.stringify(found)).not.toContain('1234"');
    expect(JSON.stringify(found)).not.toContain('13912345678');
    expect(JSON.stringify(found)).not.toContain('supersecret');
  });

  it('scans a directory and takes the known secrets written beside the logs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-scan-'));
    fs.mkdirSync(path.join(dir, 'e2e'));
    fs.writeFileSync(path.join(dir, 'e2e', 'services.log'), 'ok line\nkey e2e-ops-key-abcdef12 used\n');
    fs.writeFileSync(path.join(dir, 'e2e', KNOWN_SECRETS_FILE), JSON.stringify(['e2e-ops-key-abcdef12']));
    const { files, findings } = scanLogDir(dir);
    expect(files.map((f) => path.relative(dir, f))).toEqual([path.join('e2e', 'services.log')]);
    expect(findings).toEqual([
      { file: path.join('e2e', 'services.log'), line: 2, kind: 'known secret value', excerpt: 'e2e-***-***-********' },
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
