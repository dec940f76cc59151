import { statementName } from './prepared-statements';

describe('statementName', () => {
  it('names a text from its second use on, always with the same name', () => {
    const text = `SELECT 1 WHERE $1::int = 1 /* ${Math.random()} */`;
    expect(statementName(text)).toBeUndefined();
    const name = statementName(text);
    expect(name).toMatch(/^s\d+$/);
    expect(statementName(text)).toBe(name);
  });

  it('gives different texts different names', () => {
    const a = `SELECT $1::text /* a ${Math.random()} */`;
    const b = `SELECT $1::text /* b ${Math.random()} */`;
    statementName(a);
    statementName(b);
    expect(statementName(a)).not.toBe(statementName(b));
  });
});
