import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  as,
  ErrorCode,
  event,
  EventEnvelope,
  LoanCreated,
  ItemStatusChanged,
  NoPayload,
  rpc,
  type ServiceName,
} from '@app/contracts';
import { startTestNats, TestNats } from '@app/testing';
import { IsInt, Max } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { createNatsMicroservice } from '../bootstrap';
import type { BaseEnvDto } from '../config/base-env.dto';
import type { EventConsumerService } from '../outbox/event-consumer.service';
import type { OutboxService } from '../outbox/outbox.service';
import { Handles } from './handles.decorator';
import { createStandaloneRpcClient, NatsRpcClient } from './nats-rpc.client';

class DoubleDto {
  @IsInt()
  @Max(1000)
  n: number;
}
interface Doubled {
  n: number;
  by: string;
}
class OtherDto {
  @IsInt()
  m: number;
}

const TestDouble = rpc('test.typed.double.v1', DoubleDto, as<Doubled>());
const TestWhoAmI = rpc('test.typed.who.v1', NoPayload, as<string>());

@Controller()
class DoublingController {
  @Handles(TestDouble)
  double(@Payload() dto: DoubleDto): Doubled {
    return { n: dto.n * 2, by: 'controller' };
  }

  @Handles(TestWhoAmI)
  async who(): Promise<string> {
    return 'typed';
  }
}

@Module({ controllers: [DoublingController] })
class DoublingModule {}

describe('typed contracts over a real nats-server', () => {
  let nats: TestNats;
  let app: INestMicroservice;
  let rpcClient: { client: NatsRpcClient; close: () => Promise<void> };

  beforeAll(async () => {
    nats = await startTestNats();
    const env = { NATS_URL: nats.url, LOG_LEVEL: 'warn' } as BaseEnvDto;
    app = await createNatsMicroservice(DoublingModule, { name: 'catalog' as ServiceName, env });
    await app.listen();
    rpcClient = createStandaloneRpcClient(nats.url, 'typed-spec', 5000);
  });

  afterAll(async () => {
    await rpcClient?.close();
    await app?.close();
    await nats?.stop();
  });

  it('calls a @Handles handler through its contract and gets the typed reply', async () => {
    const reply: Doubled = await rpcClient.client.call(TestDouble, { n: 21 });
    expect(reply).toEqual({ n: 42, by: 'controller' });
    expect(await rpcClient.client.call(TestWhoAmI, {})).toBe('typed');
  });

  it('validates the payload against the contract DTO on the handler side', async () => {
    const tooBig = { n: 5000 };
    await expect(rpcClient.client.call(TestDouble, tooBig)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    await expect(rpcClient.client.call(TestDouble, { n: 'x' } as unknown as DoubleDto)).rejects.toMatchObject({
      code: ErrorCode.ValidationFailed,
    });
  });

  it('still answers the deprecated untyped request on the same subject', async () => {
    await expect(rpcClient.client.request<Doubled>(TestDouble.subject, { n: 1 })).resolves.toEqual({
      n: 2,
      by: 'controller',
    });
  });
});

/*
 * Compile-time checks of handlers, callers, the outbox and consumers: `tsc --noEmit` (in `npm test`)
 * fails when a `@ts-expect-error` line below compiles, i.e. when the typing stops checking.
 */
export class WrongHandlers {
  // @ts-expect-error the handler must answer the contract's reply type (Doubled)
  @Handles(TestDouble)
  wrongReply(@Payload() dto: DoubleDto): string {
    return String(dto.n);
  }

  // @ts-expect-error the handler must take the contract's request DTO, not another one
  @Handles(TestDouble)
  wrongRequest(@Payload() dto: OtherDto): Doubled {
    return { n: dto.m, by: 'x' };
  }

  // @ts-expect-error a promise of the wrong reply is refused too
  @Handles(TestWhoAmI)
  async wrongAsync(): Promise<number> {
    return 1;
  }
}

export async function typeTests(
  client: NatsRpcClient,
  outbox: OutboxService,
  m: EntityManager,
  consumer: EventConsumerService,
): Promise<void> {
  // @ts-expect-error n is a number
  await client.call(TestDouble, { n: '2' });
  // @ts-expect-error the payload must have n
  await client.call(TestDouble, {});
  // @ts-expect-error the reply is Doubled, not a string
  const s: string = await client.call(TestDouble, { n: 2 });

  const ref = { agency: 'CN-320583-1-KSL', barcode: 'B1' };
  const loan = {
    loanId: 'l',
    patron: ref,
    item: ref,
    branch: 'KSL-MAIN',
    channel: 'desk' as const,
    dueAt: '2026-01-01T00:00:00Z',
  };
  await outbox.add(m, LoanCreated, loan);
  // @ts-expect-error a loan event needs its loan id
  await outbox.add(m, LoanCreated, { ...loan, loanId: undefined });
  // @ts-expect-error item-status-changed carries ItemStatusEventData, not a loan
  await outbox.add(m, ItemStatusChanged, loan);
  const custom = event('events.test.custom.v1', as<{ k: number }>());
  // @ts-expect-error k is a number
  await outbox.add(m, custom, { k: 'x' });

  await consumer.consume({
    durable: 'typed',
    filterSubject: 'events.loans.>',
    events: [LoanCreated, ItemStatusChanged],
    batchHandler: async (events) => {
      for (const e of events) {
        if (e.type === ItemStatusChanged.subject) void e.data.status;
        // @ts-expect-error narrowed to a loan event: no status
        else void e.data.status;
      }
    },
  });
  await consumer.consume({
    durable: 'typed-one',
    filterSubject: 'events.loans.>',
    events: [LoanCreated],
    // @ts-expect-error the handler takes LoanCreated envelopes
    handler: async (e: EventEnvelope<{ other: true }>) => void e,
  });
  void s;
}
