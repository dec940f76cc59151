import { Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import { CatalogGetItem, ErrorCode, ItemRef, ItemView } from '@app/contracts';
import { remapRemoteError } from './remote-errors';

const ITEM_ERRORS = { [ErrorCode.NotFound]: ErrorCode.ItemUnknown, [ErrorCode.ItemUnknown]: ErrorCode.ItemUnknown };

@Injectable()
export class CatalogClient {
  constructor(private readonly rpc: NatsRpcClient) {}

  async getItem(ref: ItemRef): Promise<ItemView> {
    try {
      return await this.rpc.call(CatalogGetItem, { agency: ref.agency, barcode: ref.barcode });
    } catch (err) {
      remapRemoteError(err, ITEM_ERRORS);
    }
  }
}
