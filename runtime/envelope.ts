/** The wire Envelope {id, type, ts, source, data}. */
import { randomUUID } from 'node:crypto';
import type { Envelope } from './descriptor.js';

/** 32 lowercase hex chars (uuid4 without dashes), as the Python client writes it; ~7x cheaper than randomBytes.
 *  Slicing around the four dashes is cheaper than replaceAll. */
export function newEnvelopeId(): string {
  const u = randomUUID();
  return u.slice(0, 8) + u.slice(9, 13) + u.slice(14, 18) + u.slice(19, 23) + u.slice(24);
}

export function makeEnvelope<T>(type: string, source: string, data: T, id: string = newEnvelopeId()): Envelope<T> {
  return { id, type, ts: Date.now() / 1000, source, data };
}

/**
 * An Envelope is an object with `type` and `data` and no key outside the five Envelope keys (contract 1.1:
 * "an Envelope with any key other than the five below is not an Envelope"). Anything else is bare.
 */
export function looksLikeEnvelope(value: unknown): value is Record<string, unknown> & { type: unknown; data: unknown } {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('type' in value) || !('data' in value)) return false;
  for (const k in value) {
    if (k !== 'id' && k !== 'type' && k !== 'ts' && k !== 'source' && k !== 'data') return false;
  }
  return true;
}
