import * as fs from 'node:fs';
import * as path from 'node:path';
import { isRoot, Logger, noopLog, runChecked } from './process-utils';

export interface Binaries {
  /** Directory containing initdb, pg_ctl, postgres, pg_isready. */
  pgBinDir: string;
  /** Absolute path of the nats-server executable. */
  natsServer: string;
}

export const APT_INSTALL_COMMAND =
  'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nats-server postgresql';

const PG_LIB_ROOT = '/usr/lib/postgresql';
// Debian ships nats-server in /usr/sbin; it is not on a non-root PATH there.
const NATS_CANDIDATE_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin'];

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Highest-version /usr/lib/postgresql/<v>/bin that has a postgres binary; `PG_BIN_DIR` overrides. */
export function findPostgresBinDir(): string | undefined {
  const override = process.env.PG_BIN_DIR;
  if (override) return isExecutable(path.join(override, 'postgres')) ? override : undefined;
  let versions: string[] = [];
  try {
    versions = fs.readdirSync(PG_LIB_ROOT);
  } catch {
    return undefined;
  }
  const dirs = versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => parseFloat(b) - parseFloat(a))
    .map((v) => path.join(PG_LIB_ROOT, v, 'bin'));
  return dirs.find((d) => isExecutable(path.join(d, 'postgres')) && isExecutable(path.join(d, 'initdb')));
}

/** nats-server from `NATS_SERVER_BIN`, PATH or the usual sbin/bin dirs. */
export function findNatsServer(): string | undefined {
  const override = process.env.NATS_SERVER_BIN;
  if (override) return isExecutable(override) ? override : undefined;
  const pathDirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of [...pathDirs, ...NATS_CANDIDATE_DIRS]) {
    const candidate = path.join(dir, 'nats-server');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

let cached: Binaries | undefined;

/**
 * Locates PostgreSQL and nats-server. When missing: as root installs them with apt-get,
 * otherwise throws with the exact command to run.
 */
export async function ensureBinaries(opts: { log?: Logger } = {}): Promise<Binaries> {
  if (cached) return cached;
  const log = opts.log ?? noopLog;
  let pgBinDir = findPostgresBinDir();
  let natsServer = findNatsServer();
  if (!pgBinDir || !natsServer) {
    const missing = [!pgBinDir && 'postgresql', !natsServer && 'nats-server'].filter(Boolean).join(', ');
    if (!isRoot()) {
      throw new Error(
        `Missing ${missing}. Install with:\n  sudo sh -c '${APT_INSTALL_COMMAND}'\n` +
          `(or point PG_BIN_DIR / NATS_SERVER_BIN at existing binaries)`,
      );
    }
    log(`[binaries] missing ${missing}; installing with apt-get (root)`);
    await runChecked('sh', ['-c', APT_INSTALL_COMMAND], { log });
    pgBinDir = findPostgresBinDir();
    natsServer = findNatsServer();
    if (!pgBinDir || !natsServer) {
      throw new Error(`apt-get install finished but ${missing} still not found (pg=${pgBinDir}, nats=${natsServer})`);
    }
  }
  cached = { pgBinDir, natsServer };
  log(`[binaries] postgres: ${pgBinDir}, nats-server: ${natsServer}`);
  return cached;
}
