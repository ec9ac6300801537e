/**
 * generated/validators.js (+ validators.d.ts): every channel's validators, compiled ahead of time by Ajv
 * (standalone code; nothing is compiled at run time) and wrapped to return ValidationResult with
 * FieldErrors. One Ajv instance compiles all schemas into one module. The module needs no packages at
 * run time: Ajv's runtime helpers (ucs2length, equal) are inlined.
 */
import { readFileSync } from 'node:fs';
import type { ContractIR, JsonSchema } from '../ir.js';
import { GenerateError } from '../diagnostics.js';
import { channelNames } from '../names.js';
import { namedSchemas } from './types.js';
import { doc, tsHeader, type GeneratedFile } from './header.js';

const NAMED_ID = 'urn:schema:';
const SUPPORT = readFileSync(new URL('../templates/validators-support.js', import.meta.url), 'utf8');

const HELPERS: Record<string, string> = {
  'require("ajv/dist/runtime/ucs2length").default': '__ucs2length',
  'require("ajv/dist/runtime/equal").default': '__equal',
};
const HELPER_CODE = `function __ucs2length(str) {
  const len = str.length;
  let length = 0;
  let pos = 0;
  while (pos < len) {
    length++;
    const value = str.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < len && (str.charCodeAt(pos) & 0xfc00) === 0xdc00) pos++;
  }
  return length;
}
function __equal(a, b) {
  if (a === b) return true;
  if (a && b && typeof a == 'object' && typeof b == 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a)) {
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!__equal(a[i], b[i])) return false;
      return true;
    }
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !__equal(a[k], b[k])) return false;
    return true;
  }
  return a !== a && b !== b;
}
`;

function rewriteRefs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(rewriteRefs);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string' && x.startsWith('#/components/schemas/')) {
        const rest = x.slice('#/components/schemas/'.length);
        const slash = rest.indexOf('/');
        o[k] = slash < 0 ? NAMED_ID + rest : `${NAMED_ID}${rest.slice(0, slash)}#${rest.slice(slash)}`;
      } else if (k === 'default' || k === 'examples' || k === 'const' || k === 'enum') o[k] = x;
      else o[k] = rewriteRefs(x);
    }
    return o;
  }
  return v;
}

/** The schema id a channel validator compiles: the named schema's own id for a `$ref`, else an inline id. */
function schemaId(ajv: { addSchema(s: object, key?: string): unknown }, s: JsonSchema, inlineId: string): string {
  const ref = typeof s.$ref === 'string' ? s.$ref : undefined;
  if (ref && Object.keys(s).length === 1) return String(rewriteRefs({ $ref: ref }) && (rewriteRefs({ $ref: ref }) as { $ref: string }).$ref);
  ajv.addSchema({ ...(rewriteRefs(s) as object), $id: inlineId });
  return inlineId;
}

export async function emitValidators(ir: ContractIR): Promise<GeneratedFile[]> {
  const { default: AjvMod } = await import('ajv');
  const { default: standaloneMod } = await import('ajv/dist/standalone/index.js');
  const Ajv = ((AjvMod as unknown as { default?: unknown }).default ?? AjvMod) as typeof import('ajv').default;
  const standaloneCode = ((standaloneMod as unknown as { default?: unknown }).default ?? standaloneMod) as typeof import('ajv/dist/standalone/index.js').default;

  const ajv = new Ajv({
    allErrors: true,
    verbose: true, // oneOf errors carry their branches and value, for picking the most specific branch
    inlineRefs: false, // one function per named schema, shared by every channel
    strict: true,
    strictTypes: false,
    strictTuples: false,
    allowUnionTypes: true,
    validateFormats: false, // `format` is an annotation here: no format library at run time
    code: { source: true, esm: true, lines: false },
  });
  ajv.addKeyword({ keyword: 'discriminator' }).addKeyword({ keyword: 'externalDocs' }).addKeyword({ keyword: 'example' });

  const named = namedSchemas(ir);
  // schema ids by the local name the module gives their compiled function
  const locals: [string, string][] = [];
  try {
    for (const [name, s] of Object.entries(named)) {
      ajv.addSchema({ ...(rewriteRefs(s) as object), $id: NAMED_ID + name });
      locals.push([`named_${name}`, NAMED_ID + name]);
    }
    for (const c of ir.channels) {
      const base = channelNames(c.id).base;
      locals.push([`data_${base}`, schemaId(ajv, c.dataSchema, `urn:channel:${base}:data`)]);
      if (c.envelopeSchema) locals.push([`envelope_${base}`, schemaId(ajv, c.envelopeSchema, `urn:channel:${base}:envelope`)]);
    }
    // Ajv's standalone output repeats a function exported twice (or exported and also referenced), so
    // everything is compiled as dependencies of one root, and the module names the functions itself.
    const ids = [...new Set(locals.map(([, id]) => id))];
    if (ids.length > 0) {
      ajv.addSchema({ $id: 'urn:contract:all', anyOf: ids.map((id) => ({ $ref: id })) });
      ajv.getSchema('urn:contract:all');
    }
  } catch (e) {
    throw new GenerateError([{ message: `cannot compile the schemas: ${(e as Error).message}`, pointer: '#/components/schemas' }]);
  }
  let code = locals.length > 0 ? standaloneCode(ajv, { __all: 'urn:contract:all' }) : '';
  for (const [from, to] of Object.entries(HELPERS)) code = code.split(from).join(to);
  const needsRequire = /\brequire\(/.test(code);
  code = code.replace(/^"use strict";/, '').replace(/export const __all = [A-Za-z0-9_$]+;/, '');
  // One statement per line keeps diffs of the generated file readable.
  code = code.replace(/;(const |function )/g, ';\n$1');
  const aliases = locals.map(([local, id]) => {
    const fn = ajv.getSchema(id) as unknown as { source?: { validateName?: unknown } } | undefined;
    const vn = fn?.source?.validateName;
    if (vn === undefined) throw new GenerateError([{ message: `no compiled validator for ${id}`, pointer: '#/components/schemas' }]);
    return `const ${local} = ${String(vn)};`;
  });

  const namedEntries = Object.keys(named).map((n) => `  ${JSON.stringify(NAMED_ID + n)}: named_${n},`);
  const wrappers: string[] = [];
  const decls: string[] = [];
  for (const c of ir.channels) {
    const n = channelNames(c.id);
    wrappers.push(`/** Validates the payload model of channel \`${doc(c.id)}\` (${doc(c.address)}): ${c.dataTypeName}. */`);
    wrappers.push(`export const ${n.dataValidator} = wrap(data_${n.base});`);
    decls.push(`/** Validates the payload model of channel \`${doc(c.id)}\` (${doc(c.address)}): ${c.dataTypeName}. */`);
    decls.push(`export declare const ${n.dataValidator}: Validator;`);
    if (c.envelopeSchema) {
      wrappers.push(`/** Validates a whole wire envelope of channel \`${doc(c.id)}\` (${doc(c.address)}): ${c.envelopeTypeName ?? 'envelope'}. */`);
      wrappers.push(`export const ${n.envelopeValidator} = wrap(envelope_${n.base});`);
      decls.push(`/** Validates a whole wire envelope of channel \`${doc(c.id)}\` (${doc(c.address)}): ${c.envelopeTypeName ?? 'envelope'}. */`);
      decls.push(`export declare const ${n.envelopeValidator}: Validator;`);
    }
  }
  const js = [
    tsHeader(ir, ['Ajv standalone validators (compiled ahead of time) with FieldError wrappers.']).trimEnd(),
    '"use strict";',
    ...(needsRequire ? ["import { createRequire } from 'node:module';", 'const require = createRequire(import.meta.url);'] : []),
    HELPER_CODE,
    '// ---- compiled by Ajv ----',
    code.trim(),
    ...aliases,
    '',
    SUPPORT.trim(),
    '',
    '/** Named-schema validators by schema id, for oneOf branch re-checks. */',
    'const NAMED = {',
    ...namedEntries,
    '};',
    '',
    ...wrappers,
    '',
  ].join('\n');
  const dts = [
    tsHeader(ir).trimEnd(),
    "import type { Validator } from '@tars-contracts/runtime/contract';",
    '',
    ...decls,
    '',
  ].join('\n');
  return [
    { name: 'validators.js', content: js },
    { name: 'validators.d.ts', content: dts },
  ];
}
