import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ANY, LoanRuleKey } from '../domain/loan-rule';
import { LoanRuleEntity } from '../entities/loan-rule.entity';

@Injectable()
export class LoanRuleRepository {
  constructor(@InjectRepository(LoanRuleEntity) private readonly rules: Repository<LoanRuleEntity>) {}

  /** Every rule that could match the key (at most 3×2×2 rows), in one lookup on loan_rules_key. */
  candidates(key: LoanRuleKey): Promise<LoanRuleEntity[]> {
    return this.rules.find({
      where: {
        scope: In([key.owningBranch, key.agency, ANY]),
        patronType: In([key.patronType, ANY]),
        itemType: In([key.itemType, ANY]),
      },
    });
  }
}
