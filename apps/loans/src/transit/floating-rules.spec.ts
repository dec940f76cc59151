import { floats, restingPlace } from './floating-rules';

describe('floating rules', () => {
  const KSL = 'CN-320583-1-KSL';
  const rules = [
    { agency: KSL, itemType: 'children_book', floats: true },
    { agency: '*', itemType: 'periodical', floats: true },
    { agency: KSL, itemType: 'periodical', floats: false },
    { agency: '*', itemType: 'audiovisual', floats: true },
  ];

  it('goes home when no rule mentions the item type', () => {
    expect(floats(rules, KSL, 'book')).toBe(false);
    expect(restingPlace(rules, { agency: KSL, itemType: 'book', homeBranch: 'KSL-MAIN' }, 'KSL-ZS')).toBe('KSL-MAIN');
  });

  it('stays where returned when its type floats in its agency', () => {
    expect(restingPlace(rules, { agency: KSL, itemType: 'children_book', homeBranch: 'KSL-MAIN' }, 'KSL-ZS')).toBe(
      'KSL-ZS',
    );
  });

  it("prefers the agency's own row over the network-wide one", () => {
    expect(floats(rules, KSL, 'periodical')).toBe(false);
    expect(floats(rules, 'CN-320585-1-TCL', 'periodical')).toBe(true);
    expect(floats(rules, KSL, 'audiovisual')).toBe(true);
  });
});
