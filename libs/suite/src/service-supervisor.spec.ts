import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { defaultServiceNodeFlags, parseNodeFlags } from './config/launcher-env.dto';
import { serviceThreadpoolSize } from './suite-launcher';
import { ServiceSupervisor } from './service-supervisor';

describe('ServiceSupervisor', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supervisor-'));
    // a stand-in service: reports the flags node started it with, then waits to be stopped
    fs.writeFileSync(
      path.join(dir, 'svc.js'),
      `require('fs').writeFileSync(process.env.OUT, JSON.stringify({ execArgv: process.execArgv, heapLimitMiB: require('v8').getHeapStatistics().heap_size_limit / 1048576 }));
       setInterval(() => {}, 1000);`,
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(nodeFlags?: string[]): Promise<{ execArgv: string[]; heapLimitMiB: number }> {
    const out = path.join(dir, 'out.json');
    const sink = new PassThrough().resume();
    const sup = new ServiceSupervisor({ distRoot: dir, log: () => undefined, stdout: sink, stderr: sink });
    sup.start({ name: 'svc', entry: 'svc.js', env: { OUT: out, PATH: process.env.PATH ?? '' }, nodeFlags });
    try {
      for (let i = 0; i < 200 && !fs.existsSync(out); i++) await new Promise((r) => setTimeout(r, 50));
      return JSON.parse(fs.readFileSync(out, 'utf8'));
    } finally {
      await sup.stopAll();
    }
  }

  it('starts each service with the node flags it is given', async () => {
    const r = await run(['--max-old-space-size=300', '--max-semi-space-size=2']);
    expect(r.execArgv).toEqual(['--max-old-space-size=300', '--max-semi-space-size=2']);
    expect(r.heapLimitMiB).toBeLessThan(400);
  });

  it('starts services without extra flags when given none', async () => {
    expect((await run()).execArgv).toEqual([]);
  });

  it('defaults: every service caps its old generation, the light-traffic ones also their young generation', () => {
    for (const busy of ['loans', 'catalog', 'patrons', 'sip2'])
      expect(defaultServiceNodeFlags(busy)).toEqual(['--max-old-space-size=512']);
    for (const light of ['delivery', 'federation', 'gateway']) {
      expect(defaultServiceNodeFlags(light)).toEqual(['--max-old-space-size=512', '--max-semi-space-size=4']);
    }
    expect(parseNodeFlags('  --a=1   --b ')).toEqual(['--a=1', '--b']);
    expect(parseNodeFlags('')).toEqual([]);
  });

  it('sizes the libuv pool (scrypt) to the cores, between 2 and 4', () => {
    expect([1, 2, 3, 4, 16].map((c) => serviceThreadpoolSize(c))).toEqual([2, 2, 3, 4, 4]);
  });
});
