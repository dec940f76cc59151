import { scanLogDir } from '../../libs/testing/src/log-scan';

/**
 * Last step of `npm test` (test/run-all.sh): every log the run wrote — the unit/integration output with the
 * in-process services' logs, and the e2e suite's service logs — holds no PIN, password, API key, pickup
 * code or phone number. run-all.sh points LOG_SCAN_DIR at them; run alone, there is nothing to scan.
 */
const dir = process.env.LOG_SCAN_DIR;
/** secrets of the demo data and of the specs (terminal passwords, the demo key) */
const KNOWN = ['kiosk01-secret', 'locker01-secret', 'demo-admin-key'];

describe('logs written during the test run', () => {
  (dir ? it : it.skip)('hold no PINs, passwords, keys, pickup codes or phone numbers', () => {
    const { files, findings } = scanLogDir(dir!, KNOWN);
    expect(files.length).toBeGreaterThan(0);
    expect(findings).toEqual([]);
  });
});
