import { Injectable, Logger } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import { PatronsSetBlock } from '@app/contracts';
import { FineBalance } from './fines.repository';

export const FINES_BLOCK_ACTOR = 'loans';

/**
 * The 'fines' block follows the patron's balance: set when what they owe reaches the lowest threshold
 * among the rules behind their open fines, lifted when a payment or waiver brings it below. Called
 * after the money change committed; `patrons.set-block.v1` is idempotent, and a failure (patrons
 * down) is logged and corrected by the next change for that patron.
 */
@Injectable()
export class FineBlocksService {
  private readonly logger = new Logger(FineBlocksService.name);

  constructor(private readonly rpc: NatsRpcClient) {}

  /** Returns the block state we asked for, or null when nothing was asked (no threshold, nothing paid). */
  async sync(
    patron: { agency: string; barcode: string },
    balance: FineBalance,
    change: 'charged' | 'reduced',
  ): Promise<boolean | null> {
    const blocked = balance.thresholdFen !== null && balance.outstandingFen >= balance.thresholdFen;
    // a charge below the threshold changes nothing; only a reduction lifts (so a manual call is never undone by a charge)
    if (!blocked && change === 'charged') return null;
    try {
      await this.rpc.call(PatronsSetBlock, {
        agency: patron.agency,
        barcode: patron.barcode,
        block: 'fines',
        active: blocked,
        reason: blocked ? `owes ${balance.outstandingFen} fen (threshold ${balance.thresholdFen} fen)` : undefined,
        actor: FINES_BLOCK_ACTOR,
      });
    } catch (err) {
      this.logger.warn(
        `fines block for ${patron.agency}/${patron.barcode} not ${blocked ? 'set' : 'lifted'}: ${(err as Error).message}`,
      );
    }
    return blocked;
  }
}
