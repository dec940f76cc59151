export type ComponentStatus = 'up' | 'down';

export interface ServiceHealth {
  service: string;
  status: ComponentStatus;
  checks: Record<string, { status: ComponentStatus; latencyMs?: number; error?: string }>;
  version: string;
  uptimeSeconds: number;
  pid: number;
}

export interface PingReply {
  service: string;
  pong: true;
  at: string;
}
