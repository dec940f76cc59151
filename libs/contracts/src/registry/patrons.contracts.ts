import { as, event, rpc } from '../contract';
import type { Page } from '../common/page.dto';
import type { PatronBlockEventData, PatronChangedEventData } from '../patrons/patron-events';
import {
  CreatePatronDto,
  PatronRefDto,
  SearchPatronsDto,
  SetPatronBlockDto,
  UpdatePatronDto,
  VerifyPinDto,
} from '../patrons/patron.dto';
import type { PatronView, PinThrottleView, VerifyPinResult } from '../patrons/patron.dto';

/** patrons service: patron records, PINs, blocks. */
export const PatronsCreate = rpc('patrons.create.v1', CreatePatronDto, as<PatronView>());
export const PatronsUpdate = rpc('patrons.update.v1', UpdatePatronDto, as<PatronView>());
export const PatronsGet = rpc('patrons.get.v1', PatronRefDto, as<PatronView>());
export const PatronsSearch = rpc('patrons.search.v1', SearchPatronsDto, as<Page<PatronView>>());
/** throttled per origin and per card after repeated failures (docs/security.md) */
export const PatronsVerifyPin = rpc('patrons.verify-pin.v1', VerifyPinDto, as<VerifyPinResult>());
/** a card's wrong-PIN throttle, for staff (shown on the patron record) */
export const PatronsGetPinThrottle = rpc('patrons.pin-throttle.get.v1', PatronRefDto, as<PinThrottleView>());
/** staff clear a card's wrong-PIN throttle */
export const PatronsClearPinThrottle = rpc('patrons.pin-throttle.clear.v1', PatronRefDto, as<PinThrottleView>());
export const PatronsSetBlock = rpc('patrons.set-block.v1', SetPatronBlockDto, as<PatronView>());

export const PatronCreated = event('events.patrons.patron-created.v1', as<PatronChangedEventData>());
export const PatronUpdated = event('events.patrons.patron-updated.v1', as<PatronChangedEventData>());
export const PatronBlocked = event('events.patrons.patron-blocked.v1', as<PatronBlockEventData>());
