import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiKeyRole, ErrorResponseDto } from '../dto';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

export const PUBLIC_ROUTE = 'gateway:public';
export const REQUIRED_ROLE = 'gateway:role';
export const READER_ROUTE = 'gateway:reader';

/** No API key needed (health probes). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Every /api route needs a key; this raises the minimum role (default `staff`) and documents it. */
export function RequireRole(role: ApiKeyRole): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_ROLE, role),
    // machine-readable for the authorisation matrix test (test/e2e/security.e2e-spec.ts)
    ApiExtension('x-required-role', role),
    ApiForbiddenResponse({ description: `needs an ${role} key`, type: ErrorResponseDto }),
  );
}

/** OpenAPI: bearer auth and the 401 answer, on every authenticated controller. */
export function ApiKeyAuth(): ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'missing, invalid or revoked API key', type: ErrorResponseDto }),
  );
}

/** Reader endpoints (O2O app): a reader token from POST /api/reader/login instead of an API key. */
export function ReaderAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(READER_ROUTE, true),
    ApiBearerAuth('reader'),
    ApiUnauthorizedResponse({ description: 'missing, invalid or expired reader token', type: ErrorResponseDto }),
  );
}
