/**
 * A NATS subject tied to its message types, so the compiler checks callers and handlers against it.
 *
 *   export const LoansCheckout = rpc('loans.checkout.v1', CheckoutDto, as<CheckoutResult>());
 *   export const LoanCreated = event('events.loans.loan-created.v1', as<LoanEventData>());
 *
 * The request is a class-validator DTO class (the handler validates against it); the reply and
 * event data are types only (`as<T>()` is a phantom marker, nothing of T exists at run time).
 * Callers: `rpc.call(LoansCheckout, payload)` (NatsRpcClient), `outbox.add(m, LoanCreated, data)`;
 * handlers: `@Handles(LoansCheckout)` and `EventConsumerService.consume({ events: [...] })` in
 * libs/common. The registry of every contract is `./registry`.
 */

/** A DTO class; the request payload is typed as the shape of its instances. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a DTO class may take any constructor arguments
export type DtoClass<T> = abstract new (...args: any[]) => T;

declare const phantom: unique symbol;

/** A type carried by a contract for the compiler only (reply or event data). */
export interface TypeMarker<T> {
  readonly [phantom]?: T;
}

const MARKER: object = Object.freeze({});

/** `as<CheckoutResult>()`: names a reply or event data type in a contract declaration. */
export function as<T>(): TypeMarker<T> {
  return MARKER as TypeMarker<T>;
}

/** The request of a subject that takes no parameters (`{}` on the wire). */
export class NoPayload {
  // makes the class nominal, so a DTO whose fields are all optional is not mistaken for it
  private readonly noPayload?: never;
}
/** What a caller sends to a NoPayload subject. */
export type EmptyRequest = Record<string, never>;

/** Request/reply on `subject`, handled in the serving service's queue group. */
export interface RpcContract<S extends string = string, Req = unknown, Res = unknown> {
  readonly kind: 'rpc';
  readonly subject: S;
  /** the DTO class the handler validates the payload against */
  readonly request: DtoClass<Req>;
  readonly reply: TypeMarker<Res>;
}

/** A domain event on the JetStream stream (published through the outbox). */
export interface EventContract<S extends string = string, D = unknown> {
  readonly kind: 'event';
  readonly subject: S;
  readonly data: TypeMarker<D>;
}

/** A plain NATS broadcast (no reply, no queue group: every subscriber hears it). */
export interface BroadcastContract<S extends string = string, D = unknown> {
  readonly kind: 'broadcast';
  readonly subject: S;
  readonly data: TypeMarker<D>;
}

export type Contract = RpcContract<string, any, any> | EventContract<string, any> | BroadcastContract<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A request/reply contract. `request` NoPayload means the caller sends `{}`. */
export function rpc<const S extends string, Req, Res>(
  subject: S,
  request: DtoClass<Req>,
  reply: TypeMarker<Res>,
): RpcContract<S, Req, Res> {
  return Object.freeze({ kind: 'rpc', subject, request, reply });
}

/** A JetStream domain event contract; subjects start with `events.`. */
export function event<const S extends string, D>(subject: S, data: TypeMarker<D>): EventContract<S, D> {
  if (!subject.startsWith('events.')) throw new Error(`event subject ${subject} must start with events.`);
  return Object.freeze({ kind: 'event', subject, data });
}

/** A plain NATS broadcast contract. */
export function broadcast<const S extends string, D>(subject: S, data: TypeMarker<D>): BroadcastContract<S, D> {
  return Object.freeze({ kind: 'broadcast', subject, data });
}

/** What a caller passes: the DTO's shape (`{}` for NoPayload). */
export type RequestOf<C> =
  C extends RpcContract<string, infer Req, unknown> ? (Req extends NoPayload ? EmptyRequest : Req) : never;
export type ReplyOf<C> = C extends RpcContract<string, unknown, infer Res> ? Res : never;
export type DataOf<C> =
  C extends EventContract<string, infer D> ? D : C extends BroadcastContract<string, infer D> ? D : never;
export type SubjectOf<C> = C extends { subject: infer S } ? S : never;

/** The handler method a contract expects: takes the DTO (plus e.g. the NATS context), answers the reply. */
export type ContractHandler<C> =
  C extends RpcContract<string, infer Req, infer Res>
    ? // eslint-disable-next-line @typescript-eslint/no-explicit-any -- further parameters (context) are the handler's own business
      (dto: Req, ...rest: any[]) => Res | Promise<Res>
    : never;

/**
 * A method decorator whose signature the compiler checks: applied to a method whose type is not
 * assignable to `F`, it does not compile. (Generic in the method type M, because
 * TypedPropertyDescriptor<F> itself is invariant in F.)
 */
export type TypedMethodDecorator<F> = <M extends F>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void | TypedPropertyDescriptor<M>;
