import type { Shape } from './faults';

export interface ChaosArgs {
  shape: Shape;
  full: boolean;
  strict: boolean;
  keepData: boolean;
  out?: string;
}

/** `--full` (every fault, longer load), `--cluster` (3 NATS nodes, 2 replicas), `--strict`, `--keep`, `--out <file>`. */
export function parseChaosArgs(argv: string[]): ChaosArgs {
  const args: ChaosArgs = { shape: 'embedded', full: false, strict: false, keepData: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--full') args.full = true;
    else if (a === '--short') args.full = false;
    else if (a === '--cluster') args.shape = 'cluster';
    else if (a === '--strict') args.strict = true;
    else if (a === '--keep') args.keepData = true;
    else if (a === '--out' && argv[i + 1]) args.out = argv[++i];
    else throw new Error(`unknown argument ${a} (use --full, --cluster, --strict, --keep, --out <file>)`);
  }
  return args;
}
