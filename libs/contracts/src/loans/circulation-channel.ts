/** Where a transaction came from: staff desk, SIP2 kiosk/locker, O2O delivery, NCIP partner. */
export const CirculationChannels = ['desk', 'sip2', 'o2o', 'ncip', 'api'] as const;
export type CirculationChannel = (typeof CirculationChannels)[number];
