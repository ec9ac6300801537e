/** The wire Envelope {id, type, ts, source, data}. */
import { randomUUID } from 'node:crypto';
import type { Envelope } from './descriptor.js';

/** 32 lowercase hex chars (uuid4 without dashes), as the Python client writes it; ~7x cheaper than randomBytes. */
export function newEnvelopeId(): string {
  return randomUUID().replaceAll('-', '');
}

export function makeEnvelope<T>(type: string, source: string, data: T, id: string = newEnvelopeId()): Envelope<T> {
  return { id, type, ts: Date.now() / 1000, source, data };
}

/** An object with both `type` and `data` keys is treated as an Envelope; anything else as a bare payload. */
export function looksLikeEnvelope(value: unknown): value is Record<string, unknown> & { type: unknown; data: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'type' in value && 'data' in value;
}
