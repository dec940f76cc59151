import { SCALE_NAMES, ScaleName } from './scale';

export interface BenchOptions {
  scale: ScaleName;
  smoke: boolean;
  /** JSON report path (default bench/results/bench-<scale>-<timestamp>.json) */
  out?: string;
  kiosks: number;
  /** open loop arrival rate, messages per second over all kiosks */
  rate: number;
  arrival: 'uniform' | 'poisson';
  /** seconds per closed-loop sweep level, of the closed loop at `kiosks`, and of the open loop */
  sweepSeconds: number;
  closedSeconds: number;
  openSeconds: number;
  limitSeconds: number;
  sweep: number[];
  /** load-generator worker threads */
  workers: number;
  replayConcurrency: number;
  /** replay only this many transactions (default: the scale's year) */
  replayTransactions?: number;
  skipReplay: boolean;
  /** start every service with node --cpu-prof (profiles in bench/results/profiles/<run>) */
  cpuProf: boolean;
  /** reload the dataset even if the marker says it is there */
  reload: boolean;
}

export const USAGE = `npm run bench -- [options]
  --scale full|small|smoke   dataset size (default full; --smoke implies smoke)
  --smoke                    tiny dataset, a few seconds per phase, 4 kiosks (used by npm test)
  --out FILE                 write the JSON report to FILE (markdown and SVG beside it)
  --kiosks N                 simulated SIP2 kiosks, one connection and terminal account each (default 200)
  --rate R                   open-loop arrival rate in messages/s (default 500)
  --arrival uniform|poisson  open-loop arrival process (default uniform)
  --sweep 25,50,100,200      closed-loop concurrency levels for the chart
  --sweep-seconds S --closed-seconds S --open-seconds S --limit-seconds S
  --workers W                load-generator worker threads (default 1)
  --replay-concurrency C     concurrent NATS requests in the year replay (default 64)
  --replay-transactions N    replay only N transactions (default: the scale's year)
  --skip-replay              no year replay
  --cpu-prof                 start every service with node --cpu-prof (bench/results/profiles/<run>)
  --reload                   reload the bench dataset even if present
Environment: DATABASE_URL + NATS_URL use your own servers (else an embedded suite under BENCH_DATA_DIR,
default .data/bench/<scale>, on free ports).`;

export class UsageError extends Error {}

const num = (flag: string, v: string | undefined, min = 0): number => {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n < min) throw new UsageError(`${flag} needs a number >= ${min}`);
  return n;
};

/** Parses argv (without node and script). Pure: throws UsageError on anything it does not know. */
export function parseBenchArgs(argv: string[]): BenchOptions {
  const o: Partial<BenchOptions> = {};
  let scale: ScaleName | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--smoke':
        o.smoke = true;
        break;
      case '--skip-replay':
        o.skipReplay = true;
        break;
      case '--reload':
        o.reload = true;
        break;
      case '--scale': {
        const v = val();
        if (!SCALE_NAMES.includes(v as ScaleName))
          throw new UsageError(`--scale must be one of ${SCALE_NAMES.join(', ')}`);
        scale = v as ScaleName;
        break;
      }
      case '--out': {
        const v = val();
        if (!v) throw new UsageError('--out needs a file');
        o.out = v;
        break;
      }
      case '--kiosks':
        o.kiosks = num(flag, val(), 1);
        break;
      case '--rate':
        o.rate = num(flag, val(), 1);
        break;
      case '--arrival': {
        const v = val();
        if (v !== 'uniform' && v !== 'poisson') throw new UsageError('--arrival must be uniform or poisson');
        o.arrival = v;
        break;
      }
      case '--sweep': {
        const v = val() ?? '';
        const levels = v.split(',').map((x) => num(flag, x.trim(), 1));
        if (levels.length === 0) throw new UsageError('--sweep needs levels');
        o.sweep = levels;
        break;
      }
      case '--sweep-seconds':
        o.sweepSeconds = num(flag, val(), 0);
        break;
      case '--closed-seconds':
        o.closedSeconds = num(flag, val(), 0);
        break;
      case '--open-seconds':
        o.openSeconds = num(flag, val(), 0);
        break;
      case '--limit-seconds':
        o.limitSeconds = num(flag, val(), 0);
        break;
      case '--workers':
        o.workers = num(flag, val(), 1);
        break;
      case '--replay-concurrency':
        o.replayConcurrency = num(flag, val(), 1);
        break;
      case '--replay-transactions':
        o.replayTransactions = num(flag, val(), 0);
        break;
      case '--cpu-prof':
        o.cpuProf = true;
        break;
      case '--help':
      case '-h':
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown option ${a}\n${USAGE}`);
    }
  }
  const smoke = o.smoke ?? false;
  if (smoke && scale && scale !== 'smoke') throw new UsageError('--smoke runs the smoke scale; drop --scale');
  const resolved: ScaleName = smoke ? 'smoke' : (scale ?? 'full');
  const quick = resolved === 'smoke';
  const kiosks = o.kiosks ?? (quick ? 4 : 200);
  return {
    scale: resolved,
    smoke,
    out: o.out,
    kiosks,
    rate: o.rate ?? (quick ? 40 : 500),
    arrival: o.arrival ?? 'uniform',
    sweepSeconds: o.sweepSeconds ?? (quick ? 1.5 : 15),
    closedSeconds: o.closedSeconds ?? (quick ? 2 : 30),
    openSeconds: o.openSeconds ?? (quick ? 3 : 60),
    limitSeconds: o.limitSeconds ?? (quick ? 1.5 : 10),
    sweep: (o.sweep ?? (quick ? [1, 2, 4] : [25, 50, 100, 200])).filter((c) => c <= kiosks),
    workers: o.workers ?? 1,
    replayConcurrency: o.replayConcurrency ?? (quick ? 8 : 64),
    replayTransactions: o.replayTransactions,
    skipReplay: o.skipReplay ?? false,
    cpuProf: o.cpuProf ?? false,
    reload: o.reload ?? false,
  };
}
