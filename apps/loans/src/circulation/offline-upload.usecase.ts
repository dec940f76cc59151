import { Injectable } from '@nestjs/common';
import { OfflineLineResult, OfflineTransactionDto, OfflineUploadDto, OfflineUploadResult } from '@app/contracts';
import { CheckinItemUseCase } from './checkin-item.usecase';
import { CheckoutItemUseCase } from './checkout-item.usecase';
import { RenewLoanUseCase } from './renew-loan.usecase';

const codeOf = (err: unknown): string => {
  const c = (err as { code?: unknown })?.code;
  return typeof c === 'string' ? c : 'INTERNAL';
};

/**
 * The staff offline upload (`loans.offline.upload.v1`, `POST /api/circulation/offline`): what a desk
 * did while it could not reach us, replayed in time order as no-block transactions, one result per
 * line. A line with an `id` carries the idempotency key `upload:<branch>:<id>`, so uploading the same
 * file twice changes nothing the second time and answers the same results.
 */
@Injectable()
export class OfflineUploadUseCase {
  constructor(
    private readonly checkout: CheckoutItemUseCase,
    private readonly checkin: CheckinItemUseCase,
    private readonly renew: RenewLoanUseCase,
  ) {}

  async execute(dto: OfflineUploadDto): Promise<OfflineUploadResult> {
    const lines = dto.transactions
      .map((t, line) => ({ t, line, at: Date.parse(t.at) }))
      .sort((a, b) => a.at - b.at || a.line - b.line);
    const results: OfflineLineResult[] = [];
    // one after the other: a later line may depend on an earlier one (a checkin, then a checkout of the same copy)
    for (const { t, line } of lines) results.push(await this.replay(dto.branch, t, line));
    return {
      branch: dto.branch,
      applied: results.filter((r) => r.status === 'applied').length,
      exceptions: results.filter((r) => r.status === 'exception').length,
      refused: results.filter((r) => r.status === 'refused').length,
      results,
    };
  }

  private async replay(branch: string, t: OfflineTransactionDto, line: number): Promise<OfflineLineResult> {
    const base = { line, id: t.id ?? null, kind: t.kind, at: new Date(t.at).toISOString() };
    const idempotencyKey = t.id ? `upload:${branch}:${t.id}` : undefined;
    const write = { branch, channel: 'desk' as const, noBlock: true, ...(idempotencyKey ? { idempotencyKey } : {}) };
    try {
      if (t.kind === 'checkin') {
        const r = await this.checkin.execute({ ...write, item: t.item, returnedAt: t.at });
        return {
          ...base,
          status: 'applied',
          ...(r.wasOnLoan ? {} : { code: 'NOT_ON_LOAN', message: 'the item was not on loan' }),
          loan: r.loan ? { id: r.loan.id, dueDate: r.loan.dueDate } : null,
        };
      }
      if (!t.patron)
        return { ...base, status: 'refused', code: 'VALIDATION_FAILED', message: `a ${t.kind} line needs a patron` };
      const dated = {
        ...write,
        patron: t.patron,
        item: t.item,
        transactionAt: t.at,
        ...(t.dueDate ? { dueDate: t.dueDate } : {}),
      };
      const r = t.kind === 'checkout' ? await this.checkout.execute(dated) : await this.renew.execute(dated);
      const ex = r.exceptions ?? [];
      return {
        ...base,
        status: ex.length > 0 ? 'exception' : 'applied',
        ...(ex.length > 0
          ? {
              code: ex.map((e) => e.reason).join(','),
              exceptionId: ex[0].id,
              message: `on the exceptions list: ${ex.map((e) => e.reason).join(', ')}`,
            }
          : {}),
        loan: { id: r.loan.id, dueDate: r.loan.dueDate },
      };
    } catch (err) {
      return { ...base, status: 'refused', code: codeOf(err), message: (err as Error).message };
    }
  }
}
