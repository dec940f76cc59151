import { DomainError } from '@app/common';
import { Refusal } from './circulation-checks';

/** Turn a domain refusal into the typed error that crosses NATS. */
export function refuse(r: Refusal | null): void {
  if (r) throw new DomainError(r.code, r.message, r.details);
}
