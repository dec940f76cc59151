/** Where a transaction came from: staff desk, SIP2 kiosk/locker, O2O delivery, NCIP partner. */
/** `locker`: a smart-locker pickup or return; `delivery`: a courier's home delivery (O2O) */
export const CirculationChannels = ['desk', 'sip2', 'o2o', 'ncip', 'api', 'locker', 'delivery'] as const;
export type CirculationChannel = (typeof CirculationChannels)[number];
