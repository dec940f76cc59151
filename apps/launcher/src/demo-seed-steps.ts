import { NatsRpcClient } from '@app/common';

export interface DemoSeedStep {
  name: string;
  /** idempotent; returns how many things it created or updated */
  run(rpc: NatsRpcClient): Promise<number>;
}

/** Extra seeding for services beyond catalog and patrons, in order. */
export const DEMO_SEED_STEPS: DemoSeedStep[] = [];
