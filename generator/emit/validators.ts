/**
 * generated/validators.js (+ validators.d.ts): every channel's validators, compiled ahead of time by Ajv
 * (standalone code; nothing is compiled at run time) and wrapped to return ValidationResult with
 * FieldErrors. One Ajv instance compiles all schemas into one module. At run time the module needs only
 * @tars-contracts/runtime/contract: Ajv's helpers, the ajv-formats format checks and the error mapping.
 */
import type { ContractIR, JsonSchema } from '../ir.js';
import { GenerateError, fromPointer } from '../diagnostics.js';
import { channelNames, messageValidatorNames } from '../names.js';
import { namedSchemas } from './types.js';
import { annotationsIn, forEachSchema, isDataKeyword } from '../schema-scan.js';
import { doc, tsHeader, type GeneratedFile } from './header.js';

const NAMED_ID = 'urn:schema:';
/** Schema ids are URNs: names may hold letters of any script, which a URN takes only percent-encoded. */
const namedId = (name: string): string => NAMED_ID + encodeURIComponent(name);
const urnPart = (s: string): string => encodeURIComponent(s);
/**
 * Ajv's standalone code requires its runtime helpers and ajv-formats; the generated module imports the same
 * functions from the runtime package instead, so it needs no package of its own at run time.
 */
const RUNTIME_IMPORTS: Record<string, string> = {
  'require("ajv/dist/runtime/ucs2length").default': '__ucs2length',
  'require("ajv/dist/runtime/equal").default': '__equal',
  'require("ajv-formats/dist/formats").fullFormats': '__formats',
};

function rewriteRefs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(rewriteRefs);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string' && x.startsWith('#/components/schemas/')) {
        const rest = x.slice('#/components/schemas/'.length);
        const slash = rest.indexOf('/');
        const key = fromPointer(`#/${slash < 0 ? rest : rest.slice(0, slash)}`)[0]!;
        o[k] = slash < 0 ? namedId(key) : `${namedId(key)}#${rest.slice(slash)}`;
      } else if (isDataKeyword(k)) o[k] = x;
      else o[k] = rewriteRefs(x);
    }
    return o;
  }
  return v;
}

/** The schema id a channel validator compiles: the named schema's own id for a `$ref`, else an inline id. */
function schemaId(ajv: { addSchema(s: object, key?: string): unknown }, s: JsonSchema, inlineId: string, prepare: (schema: object) => object): string {
  const ref = typeof s.$ref === 'string' ? s.$ref : undefined;
  if (ref && Object.keys(s).length === 1) return (rewriteRefs({ $ref: ref }) as { $ref: string }).$ref;
  ajv.addSchema(prepare({ ...(rewriteRefs(s) as object), $id: inlineId }));
  return inlineId;
}

function allSchemas(ir: ContractIR): JsonSchema[] {
  const out: JsonSchema[] = Object.values(namedSchemas(ir));
  for (const c of ir.channels) {
    out.push(c.dataSchema, ...(c.envelopeSchema ? [c.envelopeSchema] : []));
    for (const m of c.messages) out.push(m.dataSchema, ...(m.envelopeSchema ? [m.envelopeSchema] : []));
  }
  return out;
}

export async function emitValidators(ir: ContractIR): Promise<GeneratedFile[]> {
  const { default: AjvMod } = await import('ajv');
  const { default: standaloneMod } = await import('ajv/dist/standalone/index.js');
  const { default: addFormatsMod } = await import('ajv-formats');
  const addFormats = ((addFormatsMod as unknown as { default?: unknown }).default ?? addFormatsMod) as typeof import('ajv-formats').default;
  const Ajv = ((AjvMod as unknown as { default?: unknown }).default ?? AjvMod) as typeof import('ajv').default;
  const standaloneCode = ((standaloneMod as unknown as { default?: unknown }).default ?? standaloneMod) as typeof import('ajv/dist/standalone/index.js').default;

  const ajv = new Ajv({
    allErrors: true,
    verbose: true, // oneOf errors carry their branches and value, for picking the most specific branch
    inlineRefs: false, // one function per named schema, shared by every channel
    strict: true,
    strictRequired: false, // `anyOf: [{ required: [a] }, { required: [b] }]` is valid JSON Schema
    ownProperties: true, // a property named `constructor` or `toString` is not found on Object.prototype
    strictTypes: false,
    strictTuples: false,
    allowUnionTypes: true,
    validateFormats: true,
    code: { source: true, esm: true, lines: false },
  });
  // ajv-formats' full set (the runtime ships the same functions); a format it does not know is
  // registered as "always valid" (the loader warns about each such format).
  addFormats(ajv, { mode: 'full' });
  // What is not JSON Schema is an annotation (the loader warned about each): unknown formats always pass, unknown
  // keywords are registered without a check (Ajv's strict mode would refuse to compile them).
  const annotations = annotationsIn(allSchemas(ir));
  for (const f of annotations.formats) ajv.addFormat(f, true);
  for (const k of annotations.keywords) if (!ajv.getKeyword(k)) ajv.addKeyword({ keyword: k });
  // Keywords Ajv itself defines beyond draft-07 (OpenAPI's `nullable`) are dropped from the copies it compiles, so
  // the validators ignore them as the types do (the loader's warning says so).
  const ignored = annotations.keywords.filter((k) => ajv.getKeyword(k));
  const compiled = (schema: object): object => {
    forEachSchema(schema, '#', (sub) => {
      for (const k of ignored) delete (sub as Record<string, unknown>)[k];
    });
    return schema;
  };
  ajv.addKeyword({ keyword: 'discriminator' }).addKeyword({ keyword: 'externalDocs' }).addKeyword({ keyword: 'example' });

  const named = namedSchemas(ir);
  // schema ids by the local name the module gives their compiled function
  const locals: [string, string][] = [];
  try {
    for (const [name, s] of Object.entries(named)) {
      ajv.addSchema(compiled({ ...(rewriteRefs(s) as object), $id: namedId(name) }));
      locals.push([`named_${name}`, namedId(name)]);
    }
    for (const c of ir.channels) {
      const base = channelNames(c.name).base;
      locals.push([`data_${base}`, schemaId(ajv, c.dataSchema, `urn:channel:${urnPart(base)}:data`, compiled)]);
      if (c.envelopeSchema) locals.push([`envelope_${base}`, schemaId(ajv, c.envelopeSchema, `urn:channel:${urnPart(base)}:envelope`, compiled)]);
      if (c.messages.length > 1) {
        for (const m of c.messages) {
          const v = messageValidatorNames(c.name, m.ident);
          locals.push([`data_${v.local}`, schemaId(ajv, m.dataSchema, `urn:channel:${urnPart(base)}:${urnPart(v.local)}:data`, compiled)]);
          if (m.envelopeSchema) locals.push([`envelope_${v.local}`, schemaId(ajv, m.envelopeSchema, `urn:channel:${urnPart(base)}:${urnPart(v.local)}:envelope`, compiled)]);
        }
      }
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
  for (const [from, to] of Object.entries(RUNTIME_IMPORTS)) code = code.split(from).join(to);
  if (/\brequire\(/.test(code)) {
    throw new GenerateError([{ message: `Ajv emitted a require() the generator does not map: ${/require\([^)]*\)/.exec(code)?.[0]}`, pointer: '#/components/schemas' }]);
  }
  code = code.replace(/^"use strict";/, '').replace(/export const __all = [A-Za-z0-9_$]+;/, '');
  // One statement per line keeps diffs of the generated file readable.
  code = code.replace(/;(const |function )/g, ';\n$1');
  const aliases = locals.map(([local, id]) => {
    const fn = ajv.getSchema(id) as unknown as { source?: { validateName?: unknown } } | undefined;
    const vn = fn?.source?.validateName;
    if (vn === undefined) throw new GenerateError([{ message: `no compiled validator for ${id}`, pointer: '#/components/schemas' }]);
    return `const ${local} = ${String(vn)};`;
  });

  const namedEntries = Object.keys(named).map((n) => `  ${JSON.stringify(namedId(n))}: named_${n},`);
  const wrappers: string[] = [];
  const decls: string[] = [];
  for (const c of ir.channels) {
    const n = channelNames(c.name);
    wrappers.push(`/** Validates the payload model of channel \`${doc(c.id)}\` (${doc(c.address)}): ${c.dataTypeName}. */`);
    wrappers.push(`export const ${n.dataValidator} = wrap(data_${n.base});`);
    decls.push(`/** Validates the payload model of channel \`${doc(c.id)}\` (${doc(c.address)}): ${c.dataTypeName}. */`);
    decls.push(`export declare const ${n.dataValidator}: Validator;`);
    if (c.messages.length > 1) {
      for (const m of c.messages) {
        const v = messageValidatorNames(c.name, m.ident);
        const what = `message \`${doc(m.name)}\` of channel \`${doc(c.id)}\``;
        wrappers.push(`/** Validates the payload model of ${what}: ${m.dataTypeName}. */`, `export const ${v.data} = wrap(data_${v.local});`);
        decls.push(`/** Validates the payload model of ${what}: ${m.dataTypeName}. */`, `export declare const ${v.data}: Validator;`);
        if (m.envelopeSchema) {
          wrappers.push(`/** Validates a whole wire envelope of ${what}. */`, `export const ${v.envelope} = wrap(envelope_${v.local});`);
          decls.push(`/** Validates a whole wire envelope of ${what}. */`, `export declare const ${v.envelope}: Validator;`);
        }
      }
    }
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
    "import { ucs2length as __ucs2length, deepEqual as __equal, formats as __formats, validatorWrapper } from '@tars-contracts/runtime/contract';",
    '',
    '// ---- compiled by Ajv ----',
    code.trim(),
    ...aliases,
    '',
    '/** Named-schema validators by schema id, for oneOf branch re-checks. */',
    'const NAMED = {',
    ...namedEntries,
    '};',
    'const wrap = validatorWrapper(NAMED);',
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
