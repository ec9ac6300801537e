/**
 * The runtime's own protocol messages, built from plain objects (the runtime knows no contract):
 * - health: retained QoS 1 Envelope (type 'health.status') with a HealthPing on system/health/{client_id};
 * - heartbeat: bare {ok, event: 'heartbeat', timestamp} on system/keepalive/{client_id}, QoS 0.
 * Field order and the omission of null fields follow the Python client's wire format.
 */
import type { Envelope } from './descriptor.js';
import { makeEnvelope, newEnvelopeId } from './envelope.js';

export const HEALTH_EVENT_TYPE = 'health.status';
export const HEALTH_QOS = 1;
export const HEARTBEAT_QOS = 0;

export type HealthEvent = 'ready' | 'reconnected' | 'shutdown' | 'offline' | (string & {});

export interface HealthPing {
  message_id: string;
  ok: boolean;
  event?: string;
  err?: string;
  timestamp: number;
}

export interface HeartbeatPayload {
  ok: true;
  event: 'heartbeat';
  timestamp: number;
}

export function healthTopic(clientId: string): string {
  return `system/health/${clientId}`;
}

export function heartbeatTopic(clientId: string): string {
  return `system/keepalive/${clientId}`;
}

export function healthEnvelope(source: string, ok: boolean, event?: HealthEvent, err?: string, nowMs = Date.now()): Envelope<HealthPing> {
  const data: HealthPing = {
    message_id: newEnvelopeId(),
    ok,
    ...(event !== undefined ? { event } : {}),
    ...(err !== undefined ? { err } : {}),
    timestamp: nowMs / 1000,
  };
  return makeEnvelope(HEALTH_EVENT_TYPE, source, data);
}

export function heartbeatPayload(nowMs = Date.now()): HeartbeatPayload {
  return { ok: true, event: 'heartbeat', timestamp: nowMs / 1000 };
}
