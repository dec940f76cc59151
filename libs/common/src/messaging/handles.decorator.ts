import { MessagePattern } from '@nestjs/microservices';
import type { ContractHandler, RpcContract, TypedMethodDecorator } from '@app/contracts';

/**
 * `@Handles(LoansCheckout)`: the method answers the contract's subject (Nest's `@MessagePattern`, in
 * the service's queue group), and the compiler checks it: the method must take the contract's
 * request DTO (first parameter, with `@Payload()`) and return its reply type (or a promise of it).
 * A method of the wrong shape does not compile (see handles.decorator.spec.ts).
 */
export function Handles<C extends RpcContract>(contract: C): TypedMethodDecorator<ContractHandler<C>> {
  const pattern = MessagePattern(contract.subject);
  return (target, key, descriptor) => {
    pattern(target, key, descriptor);
  };
}
