import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import { DomainError } from '../errors/domain-error';

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/**
 * Incoming messages become validated command objects; a failure is a VALIDATION_FAILED error naming
 * each field, on NATS and HTTP alike.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      const summary = fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ');
      return new DomainError(ErrorCode.ValidationFailed, `invalid input: ${summary}`, { fields });
    },
  });
}
