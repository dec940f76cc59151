import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError } from '@app/common';
import { ErrorCode } from '@app/contracts';

/**
 * Express error middleware right after the JSON body parser: its errors become typed errors that the
 * exception filter renders like any other (`{code, message}`), instead of raw parser messages.
 */
export function bodyParserErrorsMiddleware() {
  return (
    err: { type?: string; message?: string },
    _req: unknown,
    _res: unknown,
    next: (err?: unknown) => void,
  ): void => {
    switch (err?.type) {
      case 'entity.parse.failed':
        return next(new DomainError(ErrorCode.ValidationFailed, `malformed JSON in the request body: ${err.message}`));
      case 'entity.too.large':
        return next(new HttpException('request body too large', HttpStatus.PAYLOAD_TOO_LARGE));
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return next(new HttpException(err.message ?? 'unsupported body encoding', HttpStatus.UNSUPPORTED_MEDIA_TYPE));
      default:
        return next(err);
    }
  };
}
