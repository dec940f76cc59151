import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { documentedProperties } from '../common/api-doc';
import { CheckoutDto, RenewDto } from './loan.dto';

const ref = (barcode: string) => ({ agency: 'CN-320583-1-KSL', barcode });
const problems = (cls: typeof CheckoutDto | typeof RenewDto, plain: object) =>
  validateSync(plainToInstance(cls, plain) as object, { whitelist: true, forbidNonWhitelisted: true })
    .map((e) => e.property)
    .sort();

// the offline and exactly-once fields are declared once (WithLoanWriteFields): both commands must still check them
describe.each([
  ['CheckoutDto', CheckoutDto, { branch: 'KSL-MAIN' }],
  ['RenewDto', RenewDto, {}],
] as const)('%s inherits the shared write fields', (_name, cls, own) => {
  const valid = { patron: ref('P1'), item: ref('B1'), ...own };

  it('accepts the offline and exactly-once fields', () => {
    expect(
      problems(cls, {
        ...valid,
        channel: 'sip2',
        noBlock: true,
        transactionAt: '2026-12-01T09:30:00+08:00',
        dueDate: '2026-12-31',
        idempotencyKey: 'sip2:kiosk01:11:x',
        deadline: '2026-12-03T10:15:05.000Z',
      }),
    ).toEqual([]);
  });

  it('validates them', () => {
    expect(
      problems(cls, {
        ...valid,
        channel: 'fax',
        noBlock: 'yes',
        transactionAt: 'yesterday',
        dueDate: '31.12.2026',
        idempotencyKey: 'has spaces',
        deadline: 'soon',
      }),
    ).toEqual(['channel', 'deadline', 'dueDate', 'idempotencyKey', 'noBlock', 'transactionAt']);
    expect(problems(cls, { ...valid, patron: { agency: 'nope', barcode: '' } })).toEqual(['patron']);
  });

  it('documents them for OpenAPI', () => {
    expect(documentedProperties(cls)).toEqual(
      expect.arrayContaining(['patron', 'item', 'noBlock', 'transactionAt', 'dueDate', 'idempotencyKey', 'deadline']),
    );
  });
});
