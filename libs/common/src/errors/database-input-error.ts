import { QueryFailedError } from 'typeorm';
import { ErrorCode, ErrorPayload } from '@app/contracts';

/**
 * Last line of defence behind the validation pipe: PostgreSQL's class 22 ("data exception": a value out
 * of range, an impossible date, NUL in text, bad encoding) is bad input that slipped through, so it is
 * answered as VALIDATION_FAILED, not INTERNAL. The database's message is not echoed (it quotes the value).
 */
export function databaseInputError(exception: unknown): ErrorPayload | undefined {
  if (!(exception instanceof QueryFailedError)) return undefined;
  const code = (exception.driverError as { code?: string })?.code;
  if (typeof code !== 'string' || !code.startsWith('22')) return undefined;
  return {
    code: ErrorCode.ValidationFailed,
    message: 'invalid input: a value is out of range or malformed for the database',
    details: { sqlState: code },
  };
}
