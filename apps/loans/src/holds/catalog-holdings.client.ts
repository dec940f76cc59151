import { Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import { CatalogGetRecord, CatalogSearchItems, ErrorCode, ItemView, RecordView } from '@app/contracts';
import { remapRemoteError } from '../shared/remote-errors';

/** The catalog questions holds ask: a title and its copies. */
@Injectable()
export class CatalogHoldingsClient {
  constructor(private readonly rpc: NatsRpcClient) {}

  async getRecord(id: string): Promise<RecordView> {
    try {
      return await this.rpc.call(CatalogGetRecord, { id });
    } catch (err) {
      remapRemoteError(err, {});
    }
  }

  /** Copies of a title owned by `agency` (first 200: enough for any one library's holdings of a title). */
  async copies(recordId: string, agency: string): Promise<ItemView[]> {
    try {
      const page = await this.rpc.call(CatalogSearchItems, { recordId, agency, limit: 200 });
      return page.items;
    } catch (err) {
      remapRemoteError(err, { [ErrorCode.NotFound]: ErrorCode.NotFound });
    }
  }
}
