/** JSON with object keys sorted at every depth, so equal data gives equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  const t = typeof value;
  if (t !== 'object') return t === 'boolean' ? (value ? 'true' : 'false') : (JSON.stringify(value) ?? 'null');
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      out += item === undefined || typeof item === 'function' ? 'null' : canonicalJson(item);
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
    out += keyJson(k) + ':' + canonicalJson(v);
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
