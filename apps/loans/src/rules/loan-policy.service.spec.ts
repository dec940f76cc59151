import { LoansEnvDto } from '../config/loans-env.dto';
import { LoanRule, LoanRuleKey, RULE_DEFAULTS } from './loan-rule';
import { LoanRuleRepository } from './loan-rule.repository';
import { LoanPolicyService } from './loan-policy.service';

const rule = (id: string, scope: string, patronType: string, itemType: string, loanDays: number): LoanRule => ({
  ...RULE_DEFAULTS,
  id,
  scope,
  patronType,
  itemType,
  loanDays,
  maxItems: 20,
  maxRenewals: 1,
  renewalDays: loanDays,
});

describe('LoanPolicyService', () => {
  const key: LoanRuleKey = {
    owningBranch: 'KSL-ZS',
    agency: 'CN-320583-1-KSL',
    patronType: 'adult',
    itemType: 'audiovisual',
  };
  let rows: LoanRule[];
  let calls: number;
  const repo = { candidates: async () => (calls++, rows) } as unknown as LoanRuleRepository;
  const service = (ttl: number) =>
    new LoanPolicyService(repo, Object.assign(new LoansEnvDto(), { LOAN_RULES_CACHE_TTL_MS: ttl }));

  beforeEach(() => {
    calls = 0;
    rows = [
      rule('default', '*', '*', '*', 30),
      rule('audiovisual', '*', '*', 'audiovisual', 14),
      rule('zs', 'KSL-ZS', '*', '*', 21),
    ];
  });

  it('returns the most specific candidate from one lookup', async () => {
    await expect(service(0).resolve(key)).resolves.toMatchObject({ id: 'zs', loanDays: 21 });
    expect(calls).toBe(1);
  });

  it('caches per key for the TTL', async () => {
    const s = service(60_000);
    await s.resolve(key);
    rows = [rule('default', '*', '*', '*', 30)];
    await expect(s.resolve(key)).resolves.toMatchObject({ id: 'zs' });
    expect(calls).toBe(1);
    await expect(s.resolve({ ...key, owningBranch: 'KSL-MAIN' })).resolves.toMatchObject({ id: 'default' });
    expect(calls).toBe(2);
  });

  it('fails loudly when no rule matches (the catch-all was deleted)', async () => {
    rows = [];
    await expect(service(0).resolve(key)).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
