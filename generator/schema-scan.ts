/**
 * What a schema holds that the generated validators cannot check: string formats ajv-formats does not know, and
 * keywords that are not JSON Schema. Both are accepted as annotations; the loader warns about each (once, at its
 * first use) and the validator emitter registers them with Ajv so compiling does not fail.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { toPointer } from './diagnostics.js';
import type { JsonSchema } from './ir.js';

const KNOWN_FORMATS = new Set(Object.keys(fullFormats));

/** Keywords whose value is a schema, an array of schemas, or a map of schemas (draft-07 through 2020-12). */
const ONE = ['items', 'additionalItems', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema'];
const MANY = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];

/**
 * The keywords of JSON Schema draft-07 (the dialect of AsyncAPI 3.0's default schema format) and the annotations
 * AsyncAPI adds. Later drafts' keywords (prefixItems, unevaluatedProperties, $defs, ...) are not checked by the
 * draft-07 validators, so they are reported like any other unknown keyword.
 */
const KNOWN_KEYWORDS = new Set([
  'items', 'additionalItems', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames',
  'allOf', 'anyOf', 'oneOf', 'properties', 'patternProperties', 'definitions', 'dependencies',
  '$id', '$schema', '$ref', '$comment',
  'type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength',
  'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required',
  'format', 'contentEncoding', 'contentMediaType', 'title', 'description', 'default', 'readOnly', 'writeOnly', 'examples',
  // AsyncAPI's Schema Object additions
  'discriminator', 'externalDocs', 'deprecated', 'example',
]);

/** Keywords whose value is data, not schemas: their contents are never refs or keywords to walk into. */
const DATA_KEYWORDS = new Set(['default', 'const', 'enum', 'examples', 'example']);

export function isDataKeyword(key: string): boolean {
  return DATA_KEYWORDS.has(key);
}

/** Calls `visit` for every schema object in `schema` (itself included), with its pointer. */
export function forEachSchema(schema: unknown, pointer: string, visit: (s: Readonly<Record<string, unknown>>, pointer: string) => void): void {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return;
  const s = schema as Record<string, unknown>;
  visit(s, pointer);
  for (const k of ONE) if (s[k] && typeof s[k] === 'object' && !Array.isArray(s[k])) forEachSchema(s[k], `${pointer}/${k}`, visit);
  for (const k of MANY) if (Array.isArray(s[k])) (s[k] as unknown[]).forEach((x, i) => forEachSchema(x, `${pointer}/${k}/${i}`, visit));
  for (const k of MAP) {
    const m = s[k];
    if (m && typeof m === 'object' && !Array.isArray(m)) for (const [n, x] of Object.entries(m)) forEachSchema(x, `${pointer}/${k}${toPointer([n]).slice(1)}`, visit);
  }
}

export function isKnownFormat(format: string): boolean {
  return KNOWN_FORMATS.has(format);
}

/** A key of a schema object that is neither JSON Schema nor an `x-` extension. */
export function isUnknownKeyword(key: string): boolean {
  return !KNOWN_KEYWORDS.has(key) && !key.startsWith('x-');
}

/** The formats in these schemas that ajv-formats does not know, and their unknown keywords, each sorted. */
export function annotationsIn(schemas: Iterable<JsonSchema>): { formats: string[]; keywords: string[] } {
  const formats = new Set<string>();
  const keywords = new Set<string>();
  for (const schema of schemas) {
    forEachSchema(schema, '#', (s) => {
      if (typeof s.format === 'string' && !KNOWN_FORMATS.has(s.format)) formats.add(s.format);
      for (const k of Object.keys(s)) if (isUnknownKeyword(k)) keywords.add(k);
    });
  }
  return { formats: [...formats].sort(), keywords: [...keywords].sort() };
}
