/**
 * String formats in schemas. The generated validators check the formats ajv-formats knows (its full set, shipped
 * by the runtime); any other `format` is an annotation, accepted as is, and the loader warns about it.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { JsonSchema } from './ir.js';

const KNOWN = new Set(Object.keys(fullFormats));

/** Keywords whose value is a schema, an array of schemas, or a map of schemas (draft-07 through 2020-12). */
const ONE = ['items', 'additionalItems', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
const MANY = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];

function esc(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Calls `visit` for every `format` keyword in a schema (not for a property that happens to be named "format"). */
export function forEachFormat(schema: unknown, pointer: string, visit: (format: string, pointer: string) => void): void {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return;
  const s = schema as Record<string, unknown>;
  if (typeof s.format === 'string') visit(s.format, `${pointer}/format`);
  for (const k of ONE) if (s[k] && typeof s[k] === 'object' && !Array.isArray(s[k])) forEachFormat(s[k], `${pointer}/${k}`, visit);
  for (const k of MANY) if (Array.isArray(s[k])) (s[k] as unknown[]).forEach((x, i) => forEachFormat(x, `${pointer}/${k}/${i}`, visit));
  for (const k of MAP) {
    const m = s[k];
    if (m && typeof m === 'object' && !Array.isArray(m)) for (const [n, x] of Object.entries(m)) forEachFormat(x, `${pointer}/${k}/${esc(n)}`, visit);
  }
}

export function isKnownFormat(format: string): boolean {
  return KNOWN.has(format);
}

/** The formats in these schemas that ajv-formats does not know, sorted. */
export function unknownFormats(schemas: Iterable<JsonSchema>): string[] {
  const out = new Set<string>();
  for (const s of schemas) forEachFormat(s, '#', (f) => (KNOWN.has(f) ? undefined : out.add(f)));
  return [...out].sort();
}
