import { NatsRpcClient } from '@app/common';
import {
  CreateClosureDto,
  FederationIssuePartnerKey,
  FederationUpsertPartner,
  FederationUpsertUnit,
  LoansCalendarsUpsert,
  LoansClosuresCreate,
  LoansFloatingRulesUpsert,
  LoansRulesUpsert,
  Sip2UpsertTerminal,
  UpsertCalendarDto,
  UpsertFloatingRuleDto,
  UpsertLoanRuleDto,
} from '@app/contracts';
import { DEMO_PARTNER, DEMO_PARTNER_KEY, DEMO_TERMINALS, DEMO_UNITS, KSL, TCL } from './demo-data';
import { o2oDemo } from './demo-o2o';

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
      await rpc.call(Sip2UpsertTerminal, {
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
    for (const rule of DEMO_FLOATING_RULES) await rpc.call(LoansFloatingRulesUpsert, rule);
    return DEMO_FLOATING_RULES.length;
  },
};

/**
 * The demo network's circulation rules (docs/circulation.md explains them). 昆山 items: 30 days, one
 * renewal, 20 items (10 from any one owning branch), 0.10 yuan a day after 3 grace days, capped at 30
 * yuan per loan, borrowing blocked from 10 yuan owed. The smaller branches lend their own stock for 21
 * days; children's books and periodicals have their own terms.
 */
const KSL_TERMS = {
  maxRenewals: 1,
  maxItems: 20,
  maxItemsPerBranch: 10,
  finePerDayFen: 10,
  fineCapFen: 3000,
  graceDays: 3,
  fineBlockThresholdFen: 1000,
  lostItemFeeFen: 5000,
};
export const DEMO_LOAN_RULES: UpsertLoanRuleDto[] = [
  { id: 'ksl', scope: KSL, patronType: '*', itemType: '*', loanDays: 30, renewalDays: 30, ...KSL_TERMS },
  {
    id: 'ksl-child',
    scope: KSL,
    patronType: 'child',
    itemType: '*',
    loanDays: 30,
    renewalDays: 30,
    ...KSL_TERMS,
    maxItems: 15,
    finePerDayFen: 5,
    fineBlockThresholdFen: 500,
  },
  {
    id: 'ksl-children-book',
    scope: KSL,
    patronType: '*',
    itemType: 'children_book',
    loanDays: 30,
    renewalDays: 30,
    ...KSL_TERMS,
    finePerDayFen: 5,
  },
  {
    id: 'ksl-periodical',
    scope: KSL,
    patronType: '*',
    itemType: 'periodical',
    loanDays: 14,
    renewalDays: 14,
    ...KSL_TERMS,
    maxRenewals: 0,
    holdsAllowed: false,
  },
  {
    id: 'ksl-audiovisual',
    scope: KSL,
    patronType: '*',
    itemType: 'audiovisual',
    loanDays: 14,
    renewalDays: 14,
    ...KSL_TERMS,
    finePerDayFen: 20,
  },
  { id: 'ksl-zs', scope: 'KSL-ZS', patronType: '*', itemType: '*', loanDays: 21, renewalDays: 21, ...KSL_TERMS },
  { id: 'ksl-hq', scope: 'KSL-HQ', patronType: '*', itemType: '*', loanDays: 21, renewalDays: 21, ...KSL_TERMS },
  // 太仓's copies lent here through interlibrary loan (temporary items owned by the partner's ISIL)
  { id: 'ill-tcl', scope: TCL, patronType: '*', itemType: '*', loanDays: 30, renewalDays: 30, ...KSL_TERMS },
];

const nine = (close: string) => ({ open: '09:00', close });
/** 总馆 opens every day 09:00–21:00; the branches 09:00–17:00 and not on Mondays; the 24-hour library needs no calendar. */
export const DEMO_CALENDARS: UpsertCalendarDto[] = [
  {
    branch: '*',
    weeklyHours: {
      mon: null,
      tue: nine('17:00'),
      wed: nine('17:00'),
      thu: nine('17:00'),
      fri: nine('17:00'),
      sat: nine('17:00'),
      sun: nine('17:00'),
    },
  },
  {
    branch: 'KSL-MAIN',
    weeklyHours: {
      mon: nine('21:00'),
      tue: nine('21:00'),
      wed: nine('21:00'),
      thu: nine('21:00'),
      fri: nine('21:00'),
      sat: nine('21:00'),
      sun: nine('21:00'),
    },
  },
];
/** 除夕 and 初一 2027 (6 February is Spring Festival): the staffed libraries close; 24-hour ones stay open. */
export const DEMO_HOLIDAYS: CreateClosureDto[] = [
  { from: '2027-02-05', to: '2027-02-06', kind: 'holiday', reason: '春节 (除夕、初一)' },
];

const circulationRules: DemoSeedStep = {
  name: 'circulationRules',
  async run(rpc) {
    // upserts, and a closure identical to an existing one is not added twice: idempotent
    for (const rule of DEMO_LOAN_RULES) await rpc.call(LoansRulesUpsert, rule);
    for (const cal of DEMO_CALENDARS) await rpc.call(LoansCalendarsUpsert, cal);
    for (const h of DEMO_HOLIDAYS) await rpc.call(LoansClosuresCreate, h);
    return DEMO_LOAN_RULES.length + DEMO_CALENDARS.length + DEMO_HOLIDAYS.length;
  },
};

/** The partner 太仓 with its agreement and the NCIP key `demo-partner-key`, and the network's unit tree. */
const federation: DemoSeedStep = {
  name: 'federation',
  async run(rpc) {
    await rpc.call(FederationUpsertPartner, DEMO_PARTNER);
    await rpc.call(FederationIssuePartnerKey, { isil: TCL, key: DEMO_PARTNER_KEY, label: 'demo' });
    for (const u of DEMO_UNITS) await rpc.call(FederationUpsertUnit, u);
    return 2 + DEMO_UNITS.length;
  },
};

/** Extra seeding for services beyond catalog and patrons, in order. */
export const DEMO_SEED_STEPS: DemoSeedStep[] = [sip2Terminals, floatingRules, circulationRules, federation, o2oDemo];
