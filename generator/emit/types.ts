/**
 * generated/types.ts: TypeScript types of every named schema, rendered by @asyncapi/modelina.
 *
 * Modelina gets one JSON Schema (draft-07) whose `definitions` are the contract's named schemas and whose
 * root lists each of them as a property; the root model itself is dropped. Post-processing (deterministic):
 * - models are exported and sorted by name;
 * - `additionalProperties: true` (Modelina's synthetic `additionalProperties` property) becomes an index
 *   signature `[key: string]: unknown`;
 * - named schemas Modelina inlines (primitives, oneOf unions, aliases) get `export type Name = ...`;
 * - an `AnonymousSchema_N` anywhere fails generation.
 */
import Module, { createRequire } from 'node:module';
import type { ContractIR, JsonSchema } from '../ir.js';
import { GenerateError, toPointer } from '../diagnostics.js';
import { tsHeader, type GeneratedFile } from './header.js';
import { channelNames, messageValidatorNames } from '../names.js';

const ROOT = 'TarsContractsGeneratorRoot';
const TS_RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with implements interface let package private protected public static yield'.split(
    ' ',
  ),
);

type Modelina = typeof import('@asyncapi/modelina');
let modelina: Modelina | undefined;

/**
 * Modelina's entry module loads every input processor, and with them the AsyncAPI parser, the multi-format
 * parsers, swagger-parser and typescript-json-schema (the TypeScript compiler): over half a second of a
 * cold `generate`, for code paths never taken here (types are made from JSON Schema through
 * JsonSchemaInputProcessor). While Modelina loads, those packages are replaced, for Modelina's own
 * modules only, by stubs that throw if ever called.
 */
const UNUSED_BY_JSON_SCHEMA_INPUT = new Set([
  '@asyncapi/parser',
  '@asyncapi/parser/cjs/utils',
  '@asyncapi/multi-parser',
  '@apidevtools/swagger-parser',
  'typescript-json-schema',
  'alterschema', // JsonBinPackPreset's only
]);

function unusedStub(name: string): object {
  const fail = () => {
    throw new Error(`${name} is not loaded by the tars-contracts generator (Modelina JSON Schema input only)`);
  };
  return new Proxy(fail, { get: (_t, key) => (key === '__esModule' ? false : key === 'default' ? fail : fail), ownKeys: () => ['prototype'] });
}

export function loadModelina(): Modelina {
  if (modelina) return modelina;
  const M = Module as unknown as { _load: (request: string, parent: { filename?: string } | null, isMain: boolean) => unknown };
  const original = M._load;
  M._load = function (request, parent, isMain) {
    if (UNUSED_BY_JSON_SCHEMA_INPUT.has(request) && parent?.filename?.includes(`${'@asyncapi'}/modelina`)) return unusedStub(request);
    return original.call(this, request, parent, isMain);
  };
  try {
    modelina = createRequire(import.meta.url)('@asyncapi/modelina') as Modelina;
  } finally {
    M._load = original;
  }
  return modelina;
}

/** The named schemas types are made from: components/schemas plus titled inline payloads. */
export function namedSchemas(ir: ContractIR): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = { ...ir.schemas };
  for (const c of ir.channels) {
    if (!('$ref' in c.dataSchema) && !(c.dataTypeName in out)) out[c.dataTypeName] = c.dataSchema;
    if (c.envelopeSchema && c.envelopeTypeName && !('$ref' in c.envelopeSchema) && !(c.envelopeTypeName in out)) {
      out[c.envelopeTypeName] = c.envelopeSchema;
    }
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]!]));
}

function rewriteRefs(v: unknown, to: string): unknown {
  if (Array.isArray(v)) return v.map((x) => rewriteRefs(x, to));
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      o[k] = k === '$ref' && typeof x === 'string' && x.startsWith('#/components/schemas/') ? to + x.slice('#/components/schemas/'.length) : rewriteRefs(x, to);
    }
    return o;
  }
  return v;
}

export async function emitTypes(ir: ContractIR): Promise<GeneratedFile> {
  const { TypeScriptGenerator, ConstrainedDictionaryModel, typeScriptDefaultModelNameConstraints, TS_DESCRIPTION_PRESET, FormatHelpers, JsonSchemaInputProcessor } =
    loadModelina();
  const schemas = namedSchemas(ir);
  const names = Object.keys(schemas);
  const nameSet = new Set(names);
  // The values the contract exports beside the types (descriptors, validators, functions): a nested model may not
  // take one of their names (`_2faCode.channel` would give `_2faCodeChannel`, the descriptor of channel `2fa-code`).
  const valueNames = new Set<string>();
  for (const c of ir.channels) {
    for (const n of Object.values(channelNames(c.id))) valueNames.add(n);
    for (const m of c.messages) for (const n of Object.values(messageValidatorNames(c.id, m.name))) valueNames.add(n);
  }
  const root = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: ROOT,
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(names.map((n) => [n, { $ref: `#/definitions/${n}` }])),
    definitions: rewriteRefs(schemas, '#/definitions/'),
  };
  const generator = new TypeScriptGenerator({
    modelType: 'interface',
    enumType: 'union',
    mapType: 'indexedObject',
    rawPropertyNames: true,
    typeMapping: { Any: () => 'unknown' },
    constraints: {
      // Keep schema names as written (Modelina would turn `Alert` into `ReservedAlert`); only real keywords change.
      modelName: typeScriptDefaultModelNameConstraints({
        NAMING_FORMATTER: (name: string) => {
          if (nameSet.has(name)) return name;
          // A nested model of `_2faCode` is `_2faCodeChannel`, not `2faCodeChannel` (PascalCase drops the underscore).
          const pascal = FormatHelpers.toPascalCase(name);
          const ident = /^[0-9]/.test(pascal) ? `_${pascal}` : pascal;
          return valueNames.has(ident) ? `${ident}Type` : ident;
        },
        NO_RESERVED_KEYWORDS: (name: string) => (TS_RESERVED.has(name) ? `Reserved${name}` : name),
      }),
    },
    presets: [
      TS_DESCRIPTION_PRESET,
      {
        interface: {
          property({ property, content, model }) {
            const dict = property.property;
            if (property.unconstrainedPropertyName === 'additionalProperties' && dict instanceof ConstrainedDictionaryModel && dict.serializationType === 'unwrap') {
              const others = Object.values(model.properties).filter((p) => p !== property);
              const valueType = others.length === 0 && dict.value.type !== 'any' ? dict.value.type : 'unknown';
              return `[key: string]: ${valueType};`;
            }
            return content;
          },
        },
      },
    ],
  });
  // JSON Schema input only: the processor is called directly (Modelina's other input processors stay unused).
  const input = await new JsonSchemaInputProcessor().process(root);
  const models = await generator.generate(input);

  const problems: string[] = [];
  const blocks = new Map<string, string>();
  let rootModel: (typeof models)[number] | undefined;
  for (const m of models) {
    if (m.modelName === ROOT) {
      rootModel = m;
      continue;
    }
    if (/AnonymousSchema/.test(m.modelName) || /AnonymousSchema/.test(m.result)) problems.push(m.modelName);
    if (blocks.has(m.modelName)) throw new GenerateError([{ message: `two schemas give the type name "${m.modelName}"`, pointer: '#/components/schemas' }]);
    blocks.set(m.modelName, m.result.trim().replace(/^((?:\/\*\*[\s\S]*?\*\/\s*)?)(interface|type|enum|class) /, '$1export $2 '));
  }
  if (problems.length > 0) {
    throw new GenerateError(
      problems.map((p) => ({
        message: `a schema would become the anonymous model ${p}: give every object/enum/oneOf schema a title or move it to components/schemas`,
        pointer: '#/components/schemas',
      })),
    );
  }
  // Named schemas Modelina rendered inline (primitive aliases, unions, refs): `export type Name = <type>`.
  const rootProps = new Map<string, string>();
  if (rootModel && 'properties' in rootModel.model) {
    const props = (rootModel.model as { properties: Record<string, { unconstrainedPropertyName: string; property: { type: string } }> }).properties;
    for (const p of Object.values(props)) rootProps.set(p.unconstrainedPropertyName, p.property.type);
  }
  for (const n of names) {
    if (blocks.has(n)) continue;
    const t = rootProps.get(n);
    if (t === undefined) throw new GenerateError([{ message: `no type was generated for schema "${n}"`, pointer: toPointer(['components', 'schemas', n]) }]);
    if (t === n) continue;
    const desc = typeof schemas[n]!.description === 'string' ? `/**\n * ${String(schemas[n]!.description).replace(/\*\//g, '*\\/').split('\n').join('\n * ')}\n */\n` : '';
    blocks.set(n, `${desc}export type ${n} = ${t};`);
  }
  const body = [...blocks.keys()]
    .sort()
    .map((k) => blocks.get(k)!)
    .join('\n\n');
  const text = `${tsHeader(ir)}\n${body}\n`.replace(/[ \t]+$/gm, '');
  return { name: 'types.ts', content: text };
}
