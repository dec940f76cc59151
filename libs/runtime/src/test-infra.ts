import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isContainerRuntimeAvailable, startInfraWithContainers } from './container-infra';
import { findFreePorts } from './free-port';
import { Infra, startInfra } from './infra';
import { Logger, noopLog } from './process-utils';

export interface TestInfraOptions {
  /** Embedded mode data root. Default: a fresh mkdtemp under os.tmpdir(), deleted on stop. */
  rootDir?: string;
  /** Default: free ports (embedded) / random mapped ports (containers). */
  pgPort?: number;
  natsPort?: number;
  /** Default true: fsync off, tests do not need durability. */
  fast?: boolean;
  log?: Logger;
  /** Keep a generated temp rootDir after stop (for debugging). */
  keepData?: boolean;
  /** Max time for the Docker probe (default 3s). */
  containerProbeTimeoutMs?: number;
}

export interface TestInfra extends Infra {
  /** Embedded mode only. */
  rootDir?: string;
}

/**
 * Test PostgreSQL + NATS: testcontainers when a Docker engine answers quickly
 * (skipped when TESTCONTAINERS_DISABLED=1), otherwise local binaries.
 */
export async function startTestInfra(opts: TestInfraOptions = {}): Promise<TestInfra> {
  const log = opts.log ?? noopLog;
  const fast = opts.fast ?? true;
  if (await isContainerRuntimeAvailable(opts.containerProbeTimeoutMs)) {
    log('[test-infra] container runtime found; using testcontainers');
    return startInfraWithContainers({ pgPort: opts.pgPort, natsPort: opts.natsPort, fast, log });
  }
  log('[test-infra] no container runtime; using local postgres + nats-server');

  const ownsRoot = !opts.rootDir;
  const rootDir = opts.rootDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'circulation-test-'));
  // mkdtemp makes 0700 dirs; the `postgres` OS user (when we are root) must traverse it.
  if (ownsRoot) fs.chmodSync(rootDir, 0o755);
  const [freePg, freeNats] = await findFreePorts(2);
  const cleanupRoot = () => {
    if (ownsRoot && !opts.keepData) fs.rmSync(rootDir, { recursive: true, force: true });
  };
  let infra: Infra;
  try {
    infra = await startInfra({
      rootDir,
      pgPort: opts.pgPort ?? freePg,
      natsPort: opts.natsPort ?? freeNats,
      fast,
      log,
    });
  } catch (err) {
    cleanupRoot();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    ...infra,
    rootDir,
    stop: () => (stopping ??= infra.stop().finally(cleanupRoot)),
  };
}
