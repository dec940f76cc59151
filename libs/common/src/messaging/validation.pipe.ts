import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import { DomainError } from '../errors/domain-error';
import { FieldProblem, inspectRawInput, inspectTransformedInput } from '../validation/input-guard';

export function flattenValidationErrors(
  errors: ValidationError[],
  prefix = '',
): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

function validationFailed(fields: FieldProblem[]): DomainError {
  const summary = fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ');
  return new DomainError(ErrorCode.ValidationFailed, `invalid input: ${summary}`, { fields });
}

/**
 * ValidationPipe plus the rules of input-guard.ts for every argument (body, query, each path param):
 * raw input is checked for depth, NUL and lone surrogates before class-transformer runs; the result for
 * integer range and required nested objects after class-validator.
 */
class GuardedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const root = metadata.data ?? '';
    const raw = inspectRawInput(value, root);
    if (raw.length) throw validationFailed(raw);
    const out = await super.transform(value, metadata);
    const transformed = inspectTransformedInput(out, root);
    if (transformed.length) throw validationFailed(transformed);
    return out;
  }
}

/**
 * Incoming messages become validated command objects; a failure is a VALIDATION_FAILED error naming
 * each field, on NATS and HTTP alike.
 */
export function createValidationPipe(): ValidationPipe {
  return new GuardedValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}
