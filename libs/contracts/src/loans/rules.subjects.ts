/** The circulation policy matrix (loans service). Kept beside the DTOs; listed in docs/architecture.md. */
export const LoanRuleSubjects = {
  list: 'loans.rules.list.v1',
  upsert: 'loans.rules.upsert.v1',
  delete: 'loans.rules.delete.v1',
  /** "what would happen if patron X borrowed item Y at branch Z now" */
  dryRun: 'loans.rules.dry-run.v1',
} as const;
