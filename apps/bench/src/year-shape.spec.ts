import {
  CHECKIN,
  CHECKOUT,
  DAY_MS,
  HOUR_MS,
  WEEKDAY_WEIGHTS,
  apportion,
  generateYear,
  isNightHour,
} from './year-shape';

describe('year shape', () => {
  it('apportions a total exactly, proportionally to the weights', () => {
    const a = apportion(1000, [1, 1, 2]);
    expect(a).toEqual([250, 250, 500]);
    expect(apportion(7, [1, 1, 1]).reduce((x, y) => x + y)).toBe(7);
    expect(apportion(0, [1, 2])).toEqual([0, 0]);
  });

  const opts = { checkouts: 20_000, itemPool: 5_000, patronPool: 3_000, branches: 60, branches24h: 34, seed: 3 };
  const ev = generateYear(opts);

  it('has every checkout returned: 2 × checkouts transactions, half each', () => {
    expect(ev.length).toBe(40_000);
    expect(ev.checkouts).toBe(20_000);
    let outs = 0;
    for (let k = 0; k < ev.length; k++) if (ev.kind[k] === CHECKOUT) outs++;
    expect(outs).toBe(20_000);
  });

  it('is in time order, and an item goes out only when it is back', () => {
    const out = new Map<number, boolean>();
    const open = new Map<number, number>();
    const holder = new Map<number, number>();
    for (let k = 0; k < ev.length; k++) {
      if (k > 0) expect(ev.at[k]).toBeGreaterThanOrEqual(ev.at[k - 1]);
      const item = ev.item[k];
      if (ev.kind[k] === CHECKOUT) {
        expect(out.get(item)).not.toBe(true);
        out.set(item, true);
        const p = ev.patron[k];
        holder.set(item, p);
        open.set(p, (open.get(p) ?? 0) + 1);
        expect(open.get(p)!).toBeLessThanOrEqual(10);
      } else {
        expect(ev.kind[k]).toBe(CHECKIN);
        expect(out.get(item)).toBe(true);
        out.set(item, false);
        const p = holder.get(item)!;
        open.set(p, open.get(p)! - 1);
      }
    }
    expect([...out.values()].every((v) => v === false)).toBe(true);
  });

  it('has a weekly shape: weekends busier than Mondays', () => {
    const [mon, , , , , sat, sun] = ev.byWeekday;
    expect(sat / mon).toBeCloseTo(WEEKDAY_WEIGHTS[5] / WEEKDAY_WEIGHTS[0], 1);
    expect(sun).toBeGreaterThan(mon * 1.5);
    expect(ev.byWeekday.reduce((a, b) => a + b)).toBe(20_000);
  });

  it('has a daily shape: daytime peaks, a night trickle at 24-hour libraries only', () => {
    const night = ev.byHour.filter((_, h) => isNightHour(h)).reduce((a, b) => a + b);
    const peak = Math.max(...ev.byHour);
    expect(ev.byHour.indexOf(peak)).toBeGreaterThanOrEqual(9);
    expect(ev.byHour.indexOf(peak)).toBeLessThanOrEqual(20);
    expect(night / 20_000).toBeLessThan(0.15);
    expect(ev.byHour[3]).toBeLessThan(peak / 20);
    for (let k = 0; k < ev.length; k++) {
      if (ev.kind[k] !== CHECKOUT) continue;
      const hour = Math.floor((ev.at[k] % DAY_MS) / HOUR_MS);
      if (isNightHour(hour)) expect(ev.branch[k]).toBeGreaterThanOrEqual(60 - 34);
    }
  });

  it('is reproducible from its seed', () => {
    const again = generateYear(opts);
    expect(Array.from(again.item.subarray(0, 100))).toEqual(Array.from(ev.item.subarray(0, 100)));
  });

  it('refuses a pool too small for the loans in flight', () => {
    expect(() => generateYear({ ...opts, itemPool: 10 })).toThrow(/too small/);
  });
});
