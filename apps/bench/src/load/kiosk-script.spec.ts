import { CYCLE, KioskScript, PRIME_DEPTH } from './kiosk-script';

describe('kiosk script', () => {
  const items = Array.from({ length: 12 }, (_, i) => `K${i}`);
  const patrons = ['R1', 'R2'];

  it('has the documented mix per cycle', () => {
    const count = (c: string) => CYCLE.filter((x) => x === c).length;
    expect([count('11'), count('09'), count('63'), count('29'), count('17')]).toEqual([5, 5, 4, 3, 3]);
  });

  it('keeps the data stable: loans open and close in balance, renewals at most once per loan', () => {
    const k = new KioskScript(items, patrons);
    for (const m of k.primeMessages()) k.applied(m, true);
    expect(k.openLoans).toHaveLength(PRIME_DEPTH);
    const renewed = new Set<string>();
    for (let i = 0; i < CYCLE.length * 50; i++) {
      const m = k.next();
      expect(m.code).toBe(CYCLE[i % CYCLE.length]); // the cycle never has to fall back
      if (m.code === '29') {
        const key = `${m.item}`;
        const loan = k.openLoans.find((l) => l.item === m.item)!;
        expect(loan.renewed).toBe(false);
        expect(loan.patron).toBe(m.patron);
        renewed.add(key);
      }
      if (m.code === '11') expect(k.openLoans.some((l) => l.item === m.item)).toBe(false);
      k.applied(m, true);
      if ((i + 1) % CYCLE.length === 0) expect(k.openLoans).toHaveLength(PRIME_DEPTH);
    }
    expect(new Set(k.allItems)).toEqual(new Set(items));
  });

  it('lets a returned item rest behind the rest of the pool', () => {
    const k = new KioskScript(items, patrons);
    for (const m of k.primeMessages()) k.applied(m, true);
    const outs: string[] = [];
    for (let i = 0; i < CYCLE.length * 4; i++) {
      const m = k.next();
      if (m.code === '11') outs.push(m.item!);
      k.applied(m, true);
    }
    const first = outs.indexOf(outs[0], 1);
    expect(first === -1 || first >= items.length - PRIME_DEPTH - 2).toBe(true);
  });

  it('does not record a refused checkout as a loan, and falls back to item information', () => {
    const k = new KioskScript(['K1'], ['R1']);
    expect(k.next().code).toBe('63');
    const co = k.next();
    expect(co).toMatchObject({ code: '11', item: 'K1' });
    k.applied(co, false);
    expect(k.openLoans).toHaveLength(0);
    expect(k.next().code).toBe('17');
    k.applied({ code: '11', patron: 'R1', item: 'K1' }, true);
    expect(k.next().code).toBe('17'); // the 4th step is a checkout, but nothing is free
  });

  it('resets to every item free', () => {
    const k = new KioskScript(items, patrons);
    for (const m of k.primeMessages()) k.applied(m, true);
    k.resetToFree();
    expect(k.openLoans).toHaveLength(0);
    expect(k.allItems.sort()).toEqual([...items].sort());
  });
});
