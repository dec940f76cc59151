import { PatronEntity } from '../entities/patron.entity';
import { toPatronEventData, toPatronView } from './patron.mapper';

const entity = (over: Partial<PatronEntity> = {}): PatronEntity =>
  Object.assign(new PatronEntity(), {
    id: 'id-1',
    agency: 'CN-320583-1-KSL',
    barcode: 'P1',
    name: '张三',
    patronType: 'adult',
    homeBranch: 'KSL-MAIN',
    cardExpiresOn: '2026-06-30',
    status: 'active',
    blocks: [],
    blockDetails: {},
    pinHash: 'scrypt$16384$8$1$c2FsdA==$a2V5',
    pinFailedCount: 3,
    pinFailedWindowStart: new Date(),
    pinChangedAt: new Date(),
    email: null,
    phone: null,
    createdAt: new Date('2025-01-01T00:00:00Z'),
    updatedAt: new Date('2025-01-02T00:00:00Z'),
    ...over,
  });

describe('patron mapper', () => {
  it('never exposes the PIN hash or throttle counters', () => {
    const json = JSON.stringify([toPatronView(entity(), '2026-01-01'), toPatronEventData(entity(), true)]);
    expect(json).not.toMatch(/scrypt|pinHash|pinFailed|pinChangedAt/);
  });

  it.each([
    ['nothing applies', {}, '2026-06-30', false, false],
    ['expired the day after expiry', {}, '2026-07-01', true, true],
    ['any block', { blocks: ['fines'] }, '2026-01-01', false, true],
    ['inactive', { status: 'inactive' }, '2026-01-01', false, true],
  ])('circulationBlocked: %s', (_label, over, today, expired, blocked) => {
    expect(toPatronView(entity(over as Partial<PatronEntity>), today)).toMatchObject({
      expired,
      circulationBlocked: blocked,
    });
  });

  it('shows details only for blocks that are set', () => {
    const view = toPatronView(
      entity({
        blocks: ['manual'],
        blockDetails: {
          manual: { reason: 'r', actor: 'a', since: 's' },
          fines: { reason: null, actor: null, since: 's' },
        },
      }),
      '2026-01-01',
    );
    expect(view.blockDetails).toEqual({ manual: { reason: 'r', actor: 'a', since: 's' } });
  });
});
