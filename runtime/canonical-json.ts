/** Recursion stops here: inbound data is depth-checked long before (DEFAULT_MAX_DEPTH), so only a caller handing
 *  in its own pathological data can reach it, and gets a RangeError instead of a stack overflow. */
export const CANONICAL_JSON_MAX_DEPTH = 1000;

/** JSON with object keys sorted at every depth, so equal data gives equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  return canonical(value, 0);
}

function canonical(value: unknown, depth: number): string {
  if (value === null) return 'null';
  const t = typeof value;
  if (t !== 'object') return t === 'boolean' ? (value ? 'true' : 'false') : (JSON.stringify(value) ?? 'null');
  if (depth >= CANONICAL_JSON_MAX_DEPTH) throw new RangeError(`canonicalJson: nesting deeper than ${CANONICAL_JSON_MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      out += item === undefined || typeof item === 'function' ? 'null' : canonical(item, depth + 1);
    }
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  const n = keys.length;
  // UTF-16 code-unit order, as Array.prototype.sort's default; insertion sort is cheaper for small objects.
  if (n > 16) keys.sort();
  else {
    for (let i = 1; i < n; i++) {
      const k = keys[i]!;
      let j = i - 1;
      while (j >= 0 && keys[j]! > k) {
        keys[j + 1] = keys[j]!;
        j--;
      }
      keys[j + 1] = k;
    }
  }
  let out = '{';
  let first = true;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const v = obj[k];
    if (v === undefined || typeof v === 'function') continue;
    if (!first) out += ',';
    first = false;
    out += keyJson(k) + ':' + canonical(v, depth + 1);
  }
  return out + '}';
}

/** Object keys repeat from message to message: cache their JSON text (bounded). */
const KEY_CACHE_MAX = 4096;
const keyCache = new Map<string, string>();

function keyJson(k: string): string {
  let j = keyCache.get(k);
  if (j === undefined) {
    j = JSON.stringify(k);
    if (keyCache.size < KEY_CACHE_MAX) keyCache.set(k, j);
  }
  return j;
}
