import * as fs from 'node:fs';

/** What globalSetup started, for the e2e specs (written to a file: workers are separate processes). */
export interface E2eEnv {
  gatewayUrl: string;
  apiKey: string;
  natsUrl: string;
  databaseUrl: string;
  sip2Port: number;
  sip2TlsPort: number;
  dataDir: string;
  /** the O2O notifier's webhook target: GET <url>/notices lists what it received */
  noticeSinkUrl: string;
  /** each service's Prometheus endpoint (free ports) */
  metricsUrls: Record<string, string>;
}

/** env var naming the JSON file globalSetup wrote (jest workers inherit the parent's env) */
export const E2E_ENV_VAR = 'CIRCULATION_E2E_ENV_FILE';

export function e2eEnv(): E2eEnv {
  const file = process.env[E2E_ENV_VAR];
  if (!file) throw new Error('e2e specs run in the jest "e2e" project, whose globalSetup starts the suite');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as E2eEnv;
}
