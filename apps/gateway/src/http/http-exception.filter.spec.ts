import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { DomainError, RemoteError } from '@app/common';
import { ErrorCode } from '@app/contracts';
import type { Logger } from 'pino';
import { HttpExceptionsFilter } from './http-exception.filter';

describe('HttpExceptionsFilter', () => {
  const logger = { warn: jest.fn(), error: jest.fn() } as unknown as Logger;
  const filter = new HttpExceptionsFilter(logger);

  it('maps domain and remote codes with ERROR_HTTP_STATUS', () => {
    expect(filter.toResponse(new RemoteError(ErrorCode.ItemUnknown, 'item x not found'))).toEqual({
      status: 404,
      body: { code: 'ITEM_UNKNOWN', message: 'item x not found' },
    });
    expect(filter.toResponse(new RemoteError(ErrorCode.ItemAlreadyOnLoan, 'on loan')).status).toBe(409);
    expect(filter.toResponse(new RemoteError(ErrorCode.Timeout, 'late', undefined, 'loans.checkout.v1')).status).toBe(
      504,
    );
    const v = filter.toResponse(
      new DomainError(ErrorCode.ValidationFailed, 'invalid input: a: bad', {
        fields: [{ field: 'a', problems: ['bad'] }],
      }),
    );
    expect(v).toEqual({
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: 'invalid input: a: bad',
        details: { fields: [{ field: 'a', problems: ['bad'] }] },
      },
    });
  });

  it('answers an unmapped domain code with 422, keeping the code', () => {
    expect(filter.toResponse(new RemoteError('HOLD_EXISTS', 'a hold exists'))).toEqual({
      status: 422,
      body: { code: 'HOLD_EXISTS', message: 'a hold exists' },
    });
  });

  it('keeps Nest HttpExceptions with a code for their status', () => {
    expect(filter.toResponse(new NotFoundException('Cannot GET /x'))).toEqual({
      status: 404,
      body: { code: 'NOT_FOUND', message: 'Cannot GET /x' },
    });
    expect(filter.toResponse(new BadRequestException(['a', 'b'])).body).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'a; b',
    });
    expect(filter.toResponse(new PayloadTooLargeException('too big')).status).toBe(413);
  });

  it('hides unexpected errors behind INTERNAL with a reference and logs the stack', () => {
    const res = filter.toResponse(new TypeError('x is undefined'));
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('INTERNAL');
    expect(res.body.message).toMatch(/^unexpected error in gateway \(ref [a-z0-9]+\)$/);
    expect(res.body.message).not.toContain('x is undefined');
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ ref: res.body.details!.ref, err: expect.any(TypeError) }),
      expect.any(String),
    );
  });
});
