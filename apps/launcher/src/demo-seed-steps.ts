import { NatsRpcClient } from '@app/common';
import { Sip2Subjects } from '@app/contracts';
import { DEMO_TERMINALS } from './demo-data';

export interface DemoSeedStep {
  name: string;
  /** idempotent; returns how many things it created or updated */
  run(rpc: NatsRpcClient): Promise<number>;
}

/** SIP2 terminal accounts for the demo kiosk (UTF-8) and the 24-hour library locker (GB18030). */
const sip2Terminals: DemoSeedStep = {
  name: 'sip2Terminals',
  async run(rpc) {
    for (const t of DEMO_TERMINALS) {
      await rpc.request(Sip2Subjects.upsertTerminal, {
        ...t,
        description: t.charset === 'gb18030' ? '森林公园24小时自助图书馆 智能书柜' : '总馆一楼自助借还机',
      });
    }
    return DEMO_TERMINALS.length;
  },
};

/** Extra seeding for services beyond catalog and patrons, in order. */
export const DEMO_SEED_STEPS: DemoSeedStep[] = [sip2Terminals];
