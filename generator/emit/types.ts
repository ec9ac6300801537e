/**
 * generated/types.ts: TypeScript types of every named schema, rendered by @asyncapi/modelina.
 *
 * Modelina gets one JSON Schema (draft-07) whose `definitions` are the contract's named schemas (by type name) and
 * whose root lists each of them as a property; the root model itself is dropped. Before Modelina (Preparer): every
 * nested schema that can become a model gets an explicit, unique title (document titles on nested schemas never name
 * a type), property keys are encoded so Modelina cannot drop or merge one, `const` becomes a one-value `enum`, and a
 * nullable top-level object becomes `<Name>Object | null`. After Modelina (deterministic):
 * - models are exported and sorted by name;
 * - property keys are written escaped in single quotes; a `const` property is written as its literal type;
 * - enum/const types are written from the schema's values (JSON literals: null, true, 5, "a\"b", { "a": 1 });
 * - `additionalProperties: true` (Modelina's synthetic `additionalProperties` property) becomes an index
 *   signature `[key: string]: unknown`;
 * - named schemas Modelina inlines (primitives, oneOf unions, aliases) get `export type Name = ...`;
 * - a model no schema was named for, or a schema property missing from its model, fails generation (a bug).
 */
import Module, { createRequire } from 'node:module';
import type { ContractIR, JsonSchema } from '../ir.js';
import { GenerateError, toPointer } from '../diagnostics.js';
import { tsHeader, type GeneratedFile } from './header.js';
import { channelNames, messageValidatorNames, pascalCase } from '../names.js';

const ROOT = 'TarsContractsGeneratorRoot';

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


type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An object from entries, with every key an own data property (`__proto__` included). */
const fromEntries = (entries: Iterable<readonly [string, unknown]>): Obj => Object.fromEntries(entries) as Obj;

/**
 * Property keys as Modelina sees them: `k_` + the key's UTF-16 code units in hex. Always an identifier, unique within an
 * object, never `__proto__`, `constructor`, '' or Modelina's own `additionalProperties`, so Modelina's property-name
 * constraints (which map `é`, `a-b` and `a_b` to one name and drop all but one) and plain-object maps cannot lose one.
 * The interface preset renders the real key (quoteKey).
 */
const KEY_PREFIX = 'k_';
function encodeKey(key: string): string {
  let hex = '';
  for (let i = 0; i < key.length; i++) hex += key.charCodeAt(i).toString(16).padStart(4, '0');
  return KEY_PREFIX + hex;
}
function decodeKey(encoded: string): string | undefined {
  const hex = encoded.slice(KEY_PREFIX.length);
  if (!encoded.startsWith(KEY_PREFIX) || hex.length % 4 !== 0 || !/^[0-9a-f]*$/.test(hex)) return undefined;
  let key = '';
  for (let i = 0; i < hex.length; i += 4) key += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  return key;
}

/**
 * A property key as a TypeScript string literal in single quotes (as Modelina writes keys): JSON.stringify's escaping
 * (backslash, control characters, lone surrogates) with `"` left as is and `'` escaped.
 */
function quoteKey(key: string): string {
  const body = JSON.stringify(key)
    .slice(1, -1)
    .replace(/\\\\|\\"|'/g, (m) => (m === '\\"' ? '"' : m === "'" ? "\\'" : m))
    .replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  return `'${body}'`;
}

/** A JSON value as a TypeScript type: null, true, 5, "a\"b", {"a":1}, [1,"x"] (JSON text is a valid TS literal type). */
function literalType(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(literalType).join(', ')}]`;
  if (isObj(v)) {
    const entries = Object.entries(v);
    return entries.length === 0 ? 'Record<string, never>' : `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${literalType(x)}`).join('; ')} }`;
  }
  return JSON.stringify(v) ?? 'unknown';
}

const JSON_TYPES = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'];
function jsonTypeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** `const: X` becomes `enum: [X]` (with an `enum` beside it: the enum's values equal to X); values the schema's
 *  `type` excludes are dropped. undefined: the schema has neither. */
function enumValues(s: Obj): unknown[] | undefined {
  let values: unknown[] | undefined = Array.isArray(s.enum) ? s.enum : undefined;
  if ('const' in s) values = values ? values.filter((v) => JSON.stringify(v) === JSON.stringify(s.const)) : [s.const];
  if (!values) return undefined;
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? s.type.filter((t) => typeof t === 'string') : [];
  if (types.length === 0 || !types.every((t) => JSON_TYPES.includes(t))) return values;
  return values.filter((v) => {
    const t = jsonTypeOf(v);
    return types.includes(t) || (t === 'integer' && types.includes('number'));
  });
}

/** `#/components/schemas/<key>/<pointer>` → `#/definitions/<type name>/<pointer>` with property keys encoded. */
function refTarget(ref: string, typeNameOf: (key: string) => string | undefined): string {
  const prefix = '#/components/schemas/';
  if (!ref.startsWith(prefix)) return ref;
  const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  // The IR writes the key as it is (a key with '/' or '~' included).
  const whole = typeNameOf(ref.slice(prefix.length));
  if (whole !== undefined) return `#/definitions/${escape(whole)}`;
  const segs = ref.slice(prefix.length).split('/');
  const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');
  const name = typeNameOf(segs[0]!) ?? typeNameOf(unescape(segs[0]!));
  if (name === undefined) return ref;
  const out = ['#', 'definitions', escape(name)];
  for (let i = 1; i < segs.length; i++) {
    const seg = segs[i]!;
    out.push(seg);
    if ((seg === 'properties' || seg === 'dependencies') && i + 1 < segs.length) out.push(encodeKey(unescape(segs[++i]!)));
    else if (['patternProperties', 'definitions', '$defs'].includes(seg) && i + 1 < segs.length) out.push(segs[++i]!);
  }
  return out.join('/');
}

/** Keywords whose values are data, not schemas: copied as they are. */
const DATA_KEYWORDS = new Set(['default', 'examples', 'example', 'enum', 'const', 'description', 'format', 'pattern', 'type']);

/**
 * The named schemas as Modelina gets them. Every nested schema that can become a model of its own (an object, an
 * enum/const, a oneOf/anyOf/allOf) gets an explicit title: the name of the nearest named parent + PascalCase(property)
 * / `Item` (array items; `Item<n>` for tuple items) / `Value` (additionalProperties, patternProperties) /
 * `Option<n>` (oneOf/anyOf, from 1), with `Type` appended when that is the name of an exported value (a descriptor or
 * validator), and a numeric suffix (2, 3, ...) when a schema key's type name or an earlier nested name has it. A title
 * written in the document on a nested schema becomes its description (when it has none): it never names a type, so a
 * nested `title: Customer` cannot replace the schema `Customer`, and two nested `title: Address` do not merge.
 * Nested schemas merged into their parent (allOf members, then/else, schema dependencies) and schemas that never
 * become models (`not`, `if`, `contains`, `propertyNames`) get no title. Property keys are encoded (encodeKey); `const`
 * becomes a one-value `enum` (rendered from the values, see emitTypes).
 */
class Preparer {
  /** Every name a nested model may not take: schema type names, exported value names, names already given. */
  private readonly taken: Set<string>;
  /** The names given to nested schemas. */
  readonly nested = new Set<string>();
  /** The nested names given to `const` schemas (a property of such a type is written as the literal). */
  readonly consts = new Set<string>();

  constructor(
    typeNames: Iterable<string>,
    private readonly valueNames: ReadonlySet<string>,
    private readonly typeNameOf: (key: string) => string | undefined,
  ) {
    this.taken = new Set([...typeNames, ...valueNames]);
  }

  private name(base: string): string {
    const stem = this.valueNames.has(base) ? `${base}Type` : base;
    let name = stem;
    for (let n = 2; this.taken.has(name); n++) name = `${stem}${n}`;
    this.taken.add(name);
    this.nested.add(name);
    return name;
  }

  /** A top-level named schema: titled with its type name. */
  top(s: unknown, typeName: string): unknown {
    // A nullable object (`type: [object, 'null']`): an interface cannot hold null, so the type is `<Name>Object | null`.
    const types = isObj(s) && Array.isArray(s.type) ? s.type : [];
    if (isObj(s) && typeof s.$ref !== 'string' && types.includes('object') && types.includes('null')) {
      const objectName = this.name(`${typeName}Object`);
      const { title: _t, description, ...rest } = s;
      const object = this.schema({ ...rest, type: types.filter((t) => t !== 'null') }, objectName, objectName, true);
      return fromEntries([['title', typeName], ...(description !== undefined ? [['description', description] as const] : []), ['anyOf', [object, { type: 'null' }]]]);
    }
    return this.schema(s, typeName, typeName, true);
  }

  /** A nested schema at `base` (parent name + its part): titled when it can become a model (and `named`). */
  private child(s: unknown, base: string, named: boolean): unknown {
    s = refWithSiblings(s);
    if (!named || !isObj(s) || typeof s.$ref === 'string' || !mayBecomeModel(s)) return this.schema(s, undefined, base, named);
    const name = this.name(base);
    if ('const' in s) this.consts.add(name);
    return this.schema(s, name, name, true);
  }

  /**
   * `title`: the schema's title (undefined: none). `base`: the name its nested models are named after. `named`: false
   * inside schemas Modelina never makes a model of (their nested schemas get no title either).
   */
  private schema(s: unknown, title: string | undefined, base: string, named: boolean): unknown {
    s = refWithSiblings(s);
    if (!isObj(s)) return s;
    // A reference is the referenced type: siblings (a title, a description) would make Modelina copy the target.
    if (typeof s.$ref === 'string') return { $ref: refTarget(s.$ref, this.typeNameOf) };
    const out: [string, unknown][] = [];
    if (title !== undefined) out.push(['title', title]);
    // A title written on a nested schema is documentation (the top-level title is the type name).
    if (typeof s.title === 'string' && s.title !== title && typeof s.description !== 'string') out.push(['description', s.title]);
    const values = enumValues(s);
    if (values !== undefined) out.push(['enum', values]);
    const child = (x: unknown, b: string) => this.child(x, b, named);
    const merged = (x: unknown) => this.schema(x, undefined, base, named);
    const keys = (v: unknown) => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? encodeKey(x) : x)) : v);
    for (const [k, v] of Object.entries(s)) {
      if (k === 'title' || k === 'enum' || k === 'const') continue;
      let x: unknown;
      switch (k) {
        case 'properties':
          if (!isObj(v)) x = v;
          else {
            const props: [string, unknown][] = Object.entries(v).map(([pk, pv]) => [encodeKey(pk), child(pv, base + part(pk))]);
            // A required key with no schema is still a (required) property of the type, of any value.
            if (Array.isArray(s.required) && !['allOf', 'anyOf', 'oneOf', 'then', 'else', 'dependencies'].some((c) => c in s)) {
              for (const r of s.required) if (typeof r === 'string' && !Object.hasOwn(v, r)) props.push([encodeKey(r), {}]);
            }
            x = fromEntries(props);
          }
          break;
        case 'required':
          x = keys(v);
          break;
        case 'dependencies':
          x = isObj(v) ? fromEntries(Object.entries(v).map(([dk, dv]) => [encodeKey(dk), Array.isArray(dv) ? keys(dv) : merged(dv)])) : v;
          break;
        case 'items':
          x = Array.isArray(v) ? v.map((i, n) => child(i, `${base}Item${n + 1}`)) : child(v, `${base}Item`);
          break;
        case 'additionalItems':
          x = child(v, `${base}Item`);
          break;
        case 'additionalProperties':
          x = child(v, `${base}Value`);
          break;
        case 'patternProperties':
          x = isObj(v) ? fromEntries(Object.entries(v).map(([pk, pv]) => [pk, child(pv, `${base}Value`)])) : v;
          break;
        case 'oneOf':
        case 'anyOf':
          x = Array.isArray(v) ? v.map((o, n) => child(o, `${base}Option${n + 1}`)) : v;
          break;
        case 'allOf':
          x = Array.isArray(v) ? v.map(merged) : v;
          break;
        case 'then':
        case 'else':
          x = merged(v);
          break;
        case 'not':
        case 'if':
        case 'contains':
        case 'propertyNames':
          x = this.schema(v, undefined, base, false);
          break;
        case 'definitions':
        case '$defs':
          x = isObj(v) ? fromEntries(Object.entries(v).map(([dk, dv]) => [dk, child(dv, base + part(dk))])) : v;
          break;
        default:
          x = DATA_KEYWORDS.has(k) ? v : this.plainRefs(v);
      }
      out.push([k, x]);
    }
    return fromEntries(out);
  }

  private plainRefs(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.plainRefs(x));
    if (!isObj(v)) return v;
    return fromEntries(Object.entries(v).map(([k, x]) => [k, k === '$ref' && typeof x === 'string' ? refTarget(x, this.typeNameOf) : this.plainRefs(x)]));
  }
}

/** Keywords beside a `$ref` that do not change what it accepts. */
const REF_ANNOTATIONS = new Set(['$ref', 'title', 'description', '$comment', 'default', 'examples', 'example', 'readOnly', 'writeOnly', 'deprecated']);

/** A `$ref` with constraining siblings (Ajv applies them) is `allOf: [{ $ref }]` plus the siblings: a type of its own. */
function refWithSiblings(s: unknown): unknown {
  if (!isObj(s) || typeof s.$ref !== 'string' || Object.keys(s).every((k) => REF_ANNOTATIONS.has(k) || k.startsWith('x-'))) return s;
  return fromEntries([['allOf', [{ $ref: s.$ref }]], ...Object.entries(s).filter(([k]) => k !== '$ref')]);
}

/** A nested schema Modelina may make a model of: an object, an enum/const, a union or an intersection. */
function mayBecomeModel(s: Obj): boolean {
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? s.type : [];
  if (types.includes('object')) return true;
  return ['properties', 'patternProperties', 'additionalProperties', 'enum', 'const', 'oneOf', 'anyOf', 'allOf', 'then', 'else', 'dependencies'].some((k) => k in s);
}

/** The part of a nested name a property key gives: PascalCase, letters and digits of any script ('Property' if none). */
function part(key: string): string {
  const p = pascalCase(key).replace(/^_+/, '');
  return p === '' ? 'Property' : p;
}

/** Members of TypeScript's `Object` interface (lib.es5), the apparent members of every object type. */
const OBJECT_MEMBERS = new Set(['constructor', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable']);

/** `type | null` for a model whose schema's types include null. */
function nullable(model: { options: { isNullable?: boolean } }, type: string): string {
  return model.options.isNullable ? `${type} | null` : type;
}

/** A doc comment (as TS_DESCRIPTION_PRESET writes them). */
function docComment(description: unknown, indent = ''): string {
  if (typeof description !== 'string') return '';
  const lines = description.replace(/\*\//g, '*\\/').split('\n');
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

export async function emitTypes(ir: ContractIR): Promise<GeneratedFile> {
  const { TypeScriptGenerator, ConstrainedDictionaryModel, ConstrainedEnumModel, ConstrainedObjectModel, ConstrainedReferenceModel, typeScriptDefaultModelNameConstraints, TS_DESCRIPTION_PRESET, JsonSchemaInputProcessor } =
    loadModelina();
  const schemas = namedSchemas(ir);
  // Keys → type names: a schema's title is its type name (the loader made it a unique identifier).
  const typeNames = new Map<string, string>();
  for (const [key, s] of Object.entries(schemas)) typeNames.set(key, typeof s.title === 'string' ? s.title : key);
  const byName = new Map<string, string>();
  for (const [key, name] of typeNames) {
    const other = byName.get(name);
    if (other !== undefined) {
      throw new GenerateError([{ message: `schemas "${other}" and "${key}" give the same type name "${name}"`, pointer: toPointer(['components', 'schemas', key]) }]);
    }
    byName.set(name, key);
  }
  // The values the contract exports beside the types (descriptors, validators, functions): a nested model may not
  // take one of their names (`_2faCode.channel` would give `_2faCodeChannel`, the descriptor of channel `2fa-code`).
  const valueNames = new Set<string>();
  for (const c of ir.channels) {
    for (const n of Object.values(channelNames(c.name))) valueNames.add(n);
    for (const m of c.messages) for (const n of Object.values(messageValidatorNames(c.name, m.ident))) valueNames.add(n);
  }
  const prep = new Preparer(byName.keys(), valueNames, (key) => typeNames.get(key));
  const definitions = fromEntries([...typeNames].map(([key, name]) => [name, prep.top(schemas[key], name)]));
  const topNames = [...byName.keys()];
  const root = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: ROOT,
    type: 'object',
    additionalProperties: false,
    properties: fromEntries(topNames.map((n) => [encodeKey(n), { $ref: `#/definitions/${n}` }])),
    definitions,
  };
  const known = new Set([ROOT, ...topNames, ...prep.nested]);
  const defaultModelName = typeScriptDefaultModelNameConstraints();
  const generator = new TypeScriptGenerator({
    modelType: 'interface',
    enumType: 'union',
    mapType: 'indexedObject',
    rawPropertyNames: true,
    typeMapping: {
      Any: () => 'unknown',
      // Modelina drops `| null` from objects and references (`type: [object, 'null']`) and writes `number | null[]`.
      Object: ({ constrainedModel }) => nullable(constrainedModel, constrainedModel.name),
      // (an enum's type is its values, null included when the schema lists it)
      Reference: ({ constrainedModel }) => (constrainedModel.ref instanceof ConstrainedEnumModel ? constrainedModel.name : nullable(constrainedModel, constrainedModel.name)),
      Array: ({ constrainedModel }) => {
        const item = constrainedModel.valueModel.type;
        return nullable(constrainedModel, /[|&]/.test(item) ? `(${item})[]` : `${item}[]`);
      },
    },
    constraints: {
      // Every model is named by its title (a type name or a nested name given above), kept as it is (Modelina would turn
      // `Alert` into `ReservedAlert`). Any other name is a bug, reported below.
      modelName: (ctx) => (known.has(ctx.modelName) ? ctx.modelName : defaultModelName(ctx)),
      // Property keys are encoded identifiers, unique per object (encodeKey): kept as they are.
      propertyKey: ({ objectPropertyModel }) => objectPropertyModel.propertyName,
    },
    presets: [
      {
        interface: {
          property({ property, content, model }) {
            const dict = property.property;
            if (property.unconstrainedPropertyName === 'additionalProperties' && dict instanceof ConstrainedDictionaryModel && dict.serializationType === 'unwrap') {
              const others = Object.values(model.properties).filter((p) => p !== property);
              const valueType = others.length === 0 && dict.value.type !== 'any' ? dict.value.type : 'unknown';
              return `[key: string]: ${valueType};`;
            }
            const key = decodeKey(property.unconstrainedPropertyName);
            if (key === undefined) return content;
            // A property whose schema is a `const` has the literal as its type (`'kind': "dock"`).
            const target = property.property instanceof ConstrainedReferenceModel ? property.property.ref : property.property;
            const type =
              target instanceof ConstrainedEnumModel && prep.consts.has(target.name) && target.values.length === 1
                ? literalType(target.values[0]!.originalInput)
                : property.property.type;
            // TypeScript checks an optional property a value does not have against the value's apparent type: `{}` is
            // not a `{ toString?: string }` (its toString is Object's). Those keys also take Object's member type.
            const optional = !property.required;
            const t = optional && OBJECT_MEMBERS.has(key) ? `${type} | Object[${quoteKey(key)}]` : type;
            return `${quoteKey(key)}${optional ? '?' : ''}: ${t};`;
          },
        },
      },
      TS_DESCRIPTION_PRESET,
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
    if (!known.has(m.modelName)) problems.push(`Modelina made a model "${m.modelName}" no schema was named for`);
    // Every property of the schema is in the model (none lost to a name Modelina derives from it).
    const own = isObj(m.model.originalInput) ? m.model.originalInput.properties : undefined;
    if (m.model instanceof ConstrainedObjectModel && isObj(own)) {
      const have = new Set(Object.values(m.model.properties).map((p) => p.unconstrainedPropertyName));
      for (const k of Object.keys(own)) if (!have.has(k)) problems.push(`property ${JSON.stringify(decodeKey(k) ?? k)} is missing from the type ${m.modelName}`);
    }
    if (blocks.has(m.modelName)) throw new GenerateError([{ message: `two schemas give the type name "${m.modelName}"`, pointer: '#/components/schemas' }]);
    let text = m.result.trim();
    if (m.model instanceof ConstrainedEnumModel) {
      // enum/const types from the schema's values (Modelina renders null as 'null', true as "true", and does not escape).
      const doc = /^\/\*\*[\s\S]*?\*\/\s*/.exec(text)?.[0] ?? '';
      const values = m.model.values.map((v) => v.originalInput as unknown);
      text = `${doc}type ${m.modelName} = ${values.length === 0 ? 'never' : [...new Set(values.map(literalType))].join(' | ')};`;
    }
    blocks.set(m.modelName, text.replace(/^((?:\/\*\*[\s\S]*?\*\/\s*)?)(interface|type|enum|class) /, '$1export $2 '));
  }
  if (problems.length > 0) {
    throw new GenerateError(
      problems.map((p) => ({ message: `internal: ${p} (a generator bug; please report the schema)`, pointer: '#/components/schemas' })),
    );
  }
  // A nested const type every use of which is a property written as the literal is not exported.
  for (const n of prep.consts) {
    const ident = new RegExp(`(?<![\\p{ID_Continue}$])${n.replace(/\$/g, '\\$')}(?![\\p{ID_Continue}$])`, 'u');
    if (blocks.has(n) && ![...blocks].some(([other, text]) => other !== n && ident.test(text))) blocks.delete(n);
  }
  // Named schemas Modelina rendered inline (primitive aliases, unions, refs): `export type Name = <type>`.
  const rootProps = new Map<string, string>();
  if (rootModel && 'properties' in rootModel.model) {
    const props = (rootModel.model as { properties: Record<string, { unconstrainedPropertyName: string; property: { type: string } }> }).properties;
    for (const p of Object.values(props)) rootProps.set(decodeKey(p.unconstrainedPropertyName) ?? p.unconstrainedPropertyName, p.property.type);
  }
  for (const [n, key] of byName) {
    if (blocks.has(n)) continue;
    const t = rootProps.get(n);
    if (t === undefined) throw new GenerateError([{ message: `no type was generated for schema "${key}"`, pointer: toPointer(['components', 'schemas', key]) }]);
    if (t === n) continue;
    blocks.set(n, `${docComment(schemas[key]!.description)}export type ${n} = ${t};`);
  }
  const body = [...blocks.keys()]
    .sort()
    .map((k) => blocks.get(k)!)
    .join('\n\n');
  const text = `${tsHeader(ir)}\n${body}\n`.replace(/[ \t]+$/gm, '');
  return { name: 'types.ts', content: text };
}
