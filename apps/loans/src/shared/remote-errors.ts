import { DomainError, RemoteError } from '@app/common';
import { ErrorCode } from '@app/contracts';

/**
 * Re-throw a remote failure under this service's contract: the codes in `map` are renamed (a remote
 * NOT_FOUND means "unknown patron/item" to a loans caller); everything else, TIMEOUT and
 * SERVICE_UNAVAILABLE included, passes through with the remote code.
 */
export function remapRemoteError(err: unknown, map: Partial<Record<string, ErrorCode>>): never {
  if (err instanceof RemoteError) {
    const code = map[err.code];
    if (code) throw new DomainError(code, err.message, err.details);
  }
  throw err;
}
