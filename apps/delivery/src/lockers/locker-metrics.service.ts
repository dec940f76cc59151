import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { metricGauge } from '@app/common';
import { LockerRepository } from './locker.repository';

/**
 * `delivery_locker_online{locker}`: 1 for a locker site delivery takes orders for, 0 for one marked
 * offline (`online: false` on the locker) or silent (its controller called before and not for
 * LOCKER_SILENT_AFTER_SECONDS): what place-order refuses with LOCKER_OFFLINE. Read from the
 * delivery schema when Prometheus scrapes, so every replica reports the same state and a change made
 * through another replica shows at the next scrape. The LockerOffline alert fires on 0.
 */
@Injectable()
export class LockerMetrics implements OnModuleDestroy {
  constructor(private readonly lockers: LockerRepository) {
    // the latest instance is the one scraped (one delivery service per process outside tests)
    scrapeFrom(this);
    metricGauge('delivery_locker_online', 'Locker sites by code: 1 online, 0 offline', ['locker'], async function () {
      const states = await current?.states();
      if (!states) return;
      this.reset();
      for (const s of states) this.set({ locker: s.code }, s.online ? 1 : 0);
    });
  }

  states(): Promise<{ code: string; online: boolean }[]> {
    return this.lockers.onlineStates();
  }

  onModuleDestroy(): void {
    if (current === this) current = undefined;
  }
}

let current: LockerMetrics | undefined;
function scrapeFrom(m: LockerMetrics): void {
  current = m;
}
