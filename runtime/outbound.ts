/**
 * Outbound message text: the Envelope built by concatenation (only `data` is stringified per message), and every
 * serialisation failure turned into a SerializationError that names the topic and the JSON pointer of the value
 * (a BigInt, a cycle, nesting too deep for JSON.stringify, a throwing toJSON). Data that passes a schema can still
 * hold such values in free-form fields; publish() must reject, never throw.
 */
import { SerializationError } from './errors.js';
import { escapeToken } from './json-pointer.js';

/** JSON text of `data`, or a SerializationError. `undefined` (no JSON text at all) is refused too. */
export function dataJson(topic: string, data: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(data) as string | undefined;
  } catch (err) {
    throw serializationError(topic, data, err);
  }
  if (text === undefined) throw new SerializationError(topic, '', 'unknown', new Error(`${typeof data} has no JSON text`));
  return text;
}

/** Builds the Envelope text {id, type, ts, source, data} for one client (source fixed). */
export class EnvelopeWriter {
  readonly #sourceJson: string;
  readonly #source: string;
  readonly #typeJson = new Map<string, string>();
  #tsMs = -1;
  #tsText = '';

  constructor(source: string) {
    this.#source = source;
    this.#sourceJson = JSON.stringify(source);
  }

  /** Exactly JSON.stringify({ id, type, ts, source, data }). A fresh id is 32 hex chars (no escaping). */
  write(topic: string, id: string, idNeedsEscaping: boolean, type: string, data: unknown): string {
    // A toJSON could depend on its key: let JSON.stringify build the whole Envelope then.
    if (data !== null && typeof data === 'object' && typeof (data as { toJSON?: unknown }).toJSON === 'function') {
      try {
        return JSON.stringify({ id, type, ts: Date.now() / 1000, source: this.#source, data });
      } catch (err) {
        throw serializationError(topic, data, err);
      }
    }
    const body = dataJson(topic, data);
    let typeJson = this.#typeJson.get(type);
    if (typeJson === undefined) {
      typeJson = JSON.stringify(type);
      this.#typeJson.set(type, typeJson);
    }
    const idJson = idNeedsEscaping ? JSON.stringify(id) : '"' + id + '"';
    // Number → text of a fractional double is costly; ts changes once per millisecond, so reuse it.
    const ms = Date.now();
    if (ms !== this.#tsMs) {
      this.#tsMs = ms;
      this.#tsText = String(ms / 1000);
    }
    return '{"id":' + idJson + ',"type":' + typeJson + ',"ts":' + this.#tsText + ',"source":' + this.#sourceJson + ',"data":' + body + '}';
  }
}

/** How deep the locating walk looks for a cycle before calling the value too deep. */
const LOCATE_MAX_DEPTH = 10_000;

/** Finds what made JSON.stringify fail: an iterative walk (the data may be too deep to recurse over). */
function serializationError(topic: string, data: unknown, cause: unknown): SerializationError {
  const found = locate(data);
  const rule = found?.rule ?? (cause instanceof RangeError ? 'depth' : cause instanceof Error && /toJSON/.test(cause.stack ?? '') ? 'toJSON' : 'unknown');
  return new SerializationError(topic, found?.path ?? '', rule, cause);
}

interface Frame {
  readonly value: object;
  readonly path: string;
  readonly keys: readonly string[];
  index: number;
}

function locate(root: unknown): { path: string; rule: string } | undefined {
  if (typeof root === 'bigint') return { path: '', rule: 'bigint' };
  if (root === null || typeof root !== 'object') return undefined;
  const onPath = new Set<object>([root]);
  const stack: Frame[] = [{ value: root, path: '', keys: Object.keys(root), index: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.index >= top.keys.length) {
      onPath.delete(top.value);
      stack.pop();
      continue;
    }
    const key = top.keys[top.index++]!;
    const child = (top.value as Record<string, unknown>)[key];
    const path = `${top.path}/${escapeToken(key)}`;
    if (typeof child === 'bigint') return { path, rule: 'bigint' };
    if (child === null || typeof child !== 'object') continue;
    if (onPath.has(child)) return { path, rule: 'circular' };
    if (stack.length >= LOCATE_MAX_DEPTH) return { path, rule: 'depth' };
    onPath.add(child);
    stack.push({ value: child, path, keys: Object.keys(child), index: 0 });
  }
  return undefined;
}
