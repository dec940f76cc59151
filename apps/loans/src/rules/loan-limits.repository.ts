import { Injectable } from '@nestjs/common';
import { type PlanStep, rows, step } from '@app/common';
import { EntityManager } from 'typeorm';
import { OpenLoanCounts } from './loan-limits';

@Injectable()
export class LoanLimitsRepository {
  /**
   * Both limit counts in one statement: the overall one from loans_open_patron_idx, the per-owner one
   * from loans_open_patron_owner_idx. Partial indexes on open loans: the patron's history and everyone
   * else's loans are never read, so this does not slow down as the loans table grows.
   */
  async countOpen(m: EntityManager, agency: string, barcode: string, owningBranch: string): Promise<OpenLoanCounts> {
    const [row] = await m.query(...countOpenStatement(agency, barcode, owningBranch));
    return row;
  }

  /** countOpen as a plan step: send it after lockPatronStep (its snapshot is then taken under the lock). */
  countOpenStep(agency: string, barcode: string, owningBranch: string): PlanStep<OpenLoanCounts> {
    return step(...countOpenStatement(agency, barcode, owningBranch), rows.one<OpenLoanCounts>());
  }
}

// claimed-returned loans stay open (the copy may turn up) but no longer count toward the limits
const countOpenStatement = (agency: string, barcode: string, owningBranch: string): [string, unknown[]] => [
  `SELECT (SELECT count(*) FROM loans.loans WHERE patron_agency = $1 AND patron_barcode = $2 AND returned_at IS NULL
             AND claimed_returned_at IS NULL)::int AS open,
          (SELECT count(*) FROM loans.loans WHERE patron_agency = $1 AND patron_barcode = $2 AND owning_branch = $3
             AND returned_at IS NULL AND claimed_returned_at IS NULL)::int AS "openFromOwningBranch"`,
  [agency, barcode, owningBranch],
];
