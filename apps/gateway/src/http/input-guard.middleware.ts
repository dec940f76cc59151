import { DomainError, inspectRawInput } from '@app/common';
import { ErrorCode } from '@app/contracts';

/**
 * Right after the JSON body parser, for every route: a body nested too deep (`[[[[…]]]]`), or holding NUL
 * or lone surrogates, is refused before any handler, pipe or class-transformer recurses into it. The
 * validation pipe applies the same rules to query and path parameters.
 */
export function inputGuardMiddleware() {
  return (req: { body?: unknown }, _res: unknown, next: (err?: unknown) => void): void => {
    const fields = req.body === undefined ? [] : inspectRawInput(req.body);
    if (!fields.length) return next();
    const summary = fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ');
    next(new DomainError(ErrorCode.ValidationFailed, `invalid input: ${summary}`, { fields }));
  };
}
