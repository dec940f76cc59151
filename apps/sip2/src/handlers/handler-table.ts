import { blockPatronHandler } from './block-patron.handler';
import { checkinHandler } from './checkin.handler';
import { checkoutHandler } from './checkout.handler';
import { endSessionHandler } from './end-session.handler';
import { feePaidHandler } from './fee-paid.handler';
import { holdHandler } from './hold.handler';
import { itemInformationHandler } from './item-information.handler';
import { itemStatusUpdateHandler } from './item-status-update.handler';
import { loginHandler } from './login.handler';
import { patronEnableHandler } from './patron-enable.handler';
import { patronInformationHandler } from './patron-information.handler';
import { patronStatusHandler } from './patron-status.handler';
import { renewAllHandler } from './renew-all.handler';
import { renewHandler } from './renew.handler';
import { scStatusHandler } from './sc-status.handler';
import { Sip2HandlerTable } from './sip2-handler';

/** One handler per SIP2 2.00 request code. 97 (resend) is answered by the exchange itself, from the cache. */
export const SIP2_HANDLERS: Sip2HandlerTable = {
  '93': loginHandler,
  '99': scStatusHandler,
  '23': patronStatusHandler,
  '63': patronInformationHandler,
  '11': checkoutHandler,
  '09': checkinHandler,
  '01': blockPatronHandler,
  '35': endSessionHandler,
  '37': feePaidHandler,
  '17': itemInformationHandler,
  '19': itemStatusUpdateHandler,
  '25': patronEnableHandler,
  '15': holdHandler,
  '29': renewHandler,
  '65': renewAllHandler,
};

/** Requests that may be answered before a successful 93 (99 only if the terminal account allows it). */
export const BEFORE_LOGIN: ReadonlySet<string> = new Set(['93', '99']);
