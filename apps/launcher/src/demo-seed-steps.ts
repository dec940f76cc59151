import { NatsRpcClient } from '@app/common';
import { Sip2Subjects, TransitSubjects, UpsertFloatingRuleDto } from '@app/contracts';
import { DEMO_TERMINALS, KSL } from './demo-data';

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

/**
 * Return anywhere: in 昆山 children's books and periodicals stay where they are returned (they are
 * read everywhere and light to stock); every other type goes back to its home branch.
 */
export const DEMO_FLOATING_RULES: UpsertFloatingRuleDto[] = [
  { agency: KSL, itemType: 'children_book', floats: true },
  { agency: KSL, itemType: 'periodical', floats: true },
];

const floatingRules: DemoSeedStep = {
  name: 'floatingRules',
  async run(rpc) {
    // an upsert: running it again changes nothing
    for (const rule of DEMO_FLOATING_RULES) await rpc.request(TransitSubjects.upsertFloatingRule, rule);
    return DEMO_FLOATING_RULES.length;
  },
};

/** Extra seeding for services beyond catalog and patrons, in order. */
export const DEMO_SEED_STEPS: DemoSeedStep[] = [sip2Terminals, floatingRules];
