// placeholder replaced by the e2e harness below
export default async function globalSetup(): Promise<void> {}
