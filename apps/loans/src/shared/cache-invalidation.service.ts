import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NatsConnectionProvider } from '@app/common';
import { CacheInvalidatedData, DataOf, LoansCacheInvalidated } from '@app/contracts';
import type { CacheTopic } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { JSONCodec, Subscription } from 'nats';

export type { CacheTopic };

const codec = JSONCodec<DataOf<typeof LoansCacheInvalidated>>();

/**
 * Rules and calendars are cached in every loans replica because the checkout path must not read them
 * each time. A change drops the local cache at once and tells the other replicas over a plain NATS
 * broadcast (no queue group: every replica hears it). A lost message only delays the change until
 * the cache TTL.
 */
@Injectable()
export class CacheInvalidationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CacheInvalidationService.name);
  private readonly id = randomUUID();
  private readonly listeners = new Map<CacheTopic, Set<() => void>>();
  private subscription?: Subscription;

  constructor(private readonly nats: NatsConnectionProvider) {}

  on(topic: CacheTopic, listener: () => void): void {
    if (!this.listeners.has(topic)) this.listeners.set(topic, new Set());
    this.listeners.get(topic)!.add(listener);
  }

  /** Drop the local cache now and ask the other replicas to do the same. */
  async invalidate(topic: CacheTopic): Promise<void> {
    this.fire(topic);
    try {
      const nc = await this.nats.get();
      nc.publish(LoansCacheInvalidated.subject, codec.encode({ topic, from: this.id } satisfies CacheInvalidatedData));
    } catch (err) {
      this.logger.warn(`could not broadcast ${topic} invalidation: ${(err as Error).message}`);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const nc = await this.nats.get();
    this.subscription = nc.subscribe(LoansCacheInvalidated.subject, {
      callback: (err, msg) => {
        if (err) return;
        try {
          const m = codec.decode(msg.data);
          if (m.from !== this.id) this.fire(m.topic);
        } catch {
          // not ours to understand; ignore
        }
      },
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  private fire(topic: CacheTopic): void {
    for (const l of this.listeners.get(topic) ?? []) l();
  }
}
