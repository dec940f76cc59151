import { Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import { ErrorCode, PatronRefDto, PatronsGet, PatronsVerifyPin, PatronView } from '@app/contracts';
import { remapRemoteError } from './remote-errors';

export interface PatronForCirculation {
  patron: PatronView;
  /** present when a PIN was given and checked (or refused as throttled) */
  pin?: { valid: boolean; throttled?: boolean };
}

const PATRON_ERRORS = {
  [ErrorCode.NotFound]: ErrorCode.PatronUnknown,
  [ErrorCode.PatronUnknown]: ErrorCode.PatronUnknown,
};

/** The loans service's only way to the patrons service: one request per call. */
@Injectable()
export class PatronsClient {
  constructor(private readonly rpc: NatsRpcClient) {}

  /** With a PIN, verify-pin answers with the patron too, so it is still one round trip; `origin` keys its wrong-PIN throttle. */
  async forCirculation(ref: PatronRefDto, pin?: string, origin?: string): Promise<PatronForCirculation> {
    try {
      if (pin === undefined) {
        return { patron: await this.rpc.call(PatronsGet, { agency: ref.agency, barcode: ref.barcode }) };
      }
      const r = await this.rpc.call(PatronsVerifyPin, {
        agency: ref.agency,
        barcode: ref.barcode,
        pin,
        ...(origin ? { origin } : {}),
      });
      return { patron: r.patron, pin: { valid: r.valid, throttled: r.throttled } };
    } catch (err) {
      remapRemoteError(err, PATRON_ERRORS);
    }
  }
}
