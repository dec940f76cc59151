import { Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import { CatalogGetItemCirculation, ErrorCode, ItemCirculationState, ItemRef } from '@app/contracts';
import { remapRemoteError } from '../shared/remote-errors';
import { ItemProjectionRepository } from './item-projection.repository';

const ITEM_ERRORS = { [ErrorCode.NotFound]: ErrorCode.ItemUnknown, [ErrorCode.ItemUnknown]: ErrorCode.ItemUnknown };

/**
 * What circulation knows of an item: the projection row (one indexed read in loans' own schema), or
 * the catalog's answer when there is no row yet or when the row would refuse (`askCatalogIf`): a copy
 * made lendable a moment ago is lent, never refused on a stale row. The catalog's answer is kept.
 */
@Injectable()
export class ItemDirectory {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly projection: ItemProjectionRepository,
  ) {}

  async forCirculation(
    ref: ItemRef,
    askCatalogIf: (row: ItemCirculationState) => boolean = () => false,
  ): Promise<ItemCirculationState> {
    const row = await this.projection.find(ref.agency, ref.barcode);
    if (!row) return this.fromCatalog(ref);
    if (!askCatalogIf(row)) return row;
    // the refusal stands on the row when the catalog cannot be asked
    return this.fromCatalog(ref).catch(() => row);
  }

  /** The catalog's current state of the item (ITEM_UNKNOWN for a barcode it does not know), kept in the projection. */
  async fromCatalog(ref: ItemRef): Promise<ItemCirculationState> {
    let state: ItemCirculationState;
    try {
      state = await this.rpc.call(CatalogGetItemCirculation, { agency: ref.agency, barcode: ref.barcode });
    } catch (err) {
      remapRemoteError(err, ITEM_ERRORS);
    }
    await this.projection.upsert([state]);
    return state;
  }
}
