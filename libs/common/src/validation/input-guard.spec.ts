import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { inspectRawInput, inspectTransformedInput, MAX_INPUT_DEPTH } from './input-guard';

class Ref {
  @IsString()
  id: string;
}
class Command {
  @ValidateNested()
  @Type(() => Ref)
  ref: Ref;

  @IsOptional()
  @ValidateNested()
  @Type(() => Ref)
  other?: Ref;
}

describe('input guard', () => {
  it('names NUL characters and lone surrogates by field, in values and keys', () => {
    expect(inspectRawInput({ a: 'x\u0000y', b: ['ok', '\ud800'], c: '😀 fine' })).toEqual([
      { field: 'a', problems: ['must not contain NUL characters'] },
      { field: 'b.1', problems: ['must be well-formed Unicode (no lone surrogates)'] },
    ]);
    expect(inspectRawInput({ 'k\u0000': 1 })[0].problems[0]).toMatch(/field name must not contain NUL/);
    expect(inspectRawInput('%\u0000', 'q')).toEqual([{ field: 'q', problems: ['must not contain NUL characters'] }]);
  });

  it('refuses nesting beyond the limit without recursing (100k deep)', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    const problems = inspectRawInput({ body: deep });
    expect(problems).toHaveLength(1);
    expect(problems[0].problems[0]).toBe(`must not be nested deeper than ${MAX_INPUT_DEPTH} levels`);
    expect(inspectRawInput(JSON.parse('['.repeat(MAX_INPUT_DEPTH) + ']'.repeat(MAX_INPUT_DEPTH)))).toEqual([]);
  });

  it('refuses integers outside PostgreSQL integer and missing required nested objects', () => {
    expect(inspectTransformedInput({ offset: 1e20 }, '')).toEqual([
      { field: 'offset', problems: [expect.stringMatching(/between/)] },
    ]);
    expect(inspectTransformedInput({ offset: 2_147_483_647, f: 1.5 })).toEqual([]);
    expect(inspectTransformedInput(plainToInstance(Command, {}))).toEqual([
      { field: 'ref', problems: ['ref is required (an object)'] },
    ]);
    expect(inspectTransformedInput(plainToInstance(Command, { ref: { id: 'a' } }))).toEqual([]);
  });
});
